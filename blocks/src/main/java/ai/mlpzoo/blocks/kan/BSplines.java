package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * B-spline bases by the Cox-de Boor recursion (de Boor 1978, "A Practical Guide to Splines"), on a
 * per-input knot vector of G + 2k + 1 knots: G intervals over the grid range, extended by k knots
 * on each side, giving G + k bases of order k. Two forms: batched NDArray ops for the forward pass
 * (differentiable in x), and a scalar double form for grid updates, refits and edge readouts.
 *
 * <p>Zero-length knot intervals are handled by the usual convention 0/0 = 0 instead of producing
 * NaN, and inputs outside the knot vector give all-zero bases (never inf * 0).
 */
public final class BSplines {

    private BSplines() {}

    /**
     * The uniform extended knot vector efficient-kan starts from.
     *
     * @param gridSize G, the number of intervals over [lo, hi]
     * @param order k
     * @param lo the grid's lower end
     * @param hi the grid's upper end
     * @return G + 2k + 1 knots, lo - k h .. hi + k h with h = (hi - lo) / G
     */
    public static double[] uniformKnots(int gridSize, int order, double lo, double hi) {
        double h = (hi - lo) / gridSize;
        double[] t = new double[gridSize + 2 * order + 1];
        for (int j = 0; j < t.length; j++) {
            t[j] = (j - order) * h + lo;
        }
        return t;
    }

    /**
     * Batched bases.
     *
     * @param x inputs, (batch, in)
     * @param grid knots per input, (in, n) with n = G + 2k + 1, increasing along the row
     * @param order k
     * @return bases, (batch, in, n - 1 - k) = (batch, in, G + k)
     */
    public static NDArray bases(NDArray x, NDArray grid, int order) {
        if (order == 3) {
            float[] invSpacing = uniformInverseSpacing(grid);
            if (invSpacing != null) {
                return cubicUniform(x, grid, invSpacing);
            }
        }
        long n = grid.getShape().get(1);
        // clamp just outside the knot vector: the bases there are exactly 0 either way, but a huge
        // x
        // would otherwise make (x - t) / h overflow to inf and inf * 0 = NaN
        NDArray lo = grid.get(":, 0").sub(1f);
        NDArray hi = grid.get(":, " + (n - 1)).add(1f);
        NDArray xe = x.maximum(lo).minimum(hi).expandDims(2); // (batch, in, 1)
        NDArray b =
                xe.gte(grid.get(":, 0:" + (n - 1)))
                        .logicalAnd(xe.lt(grid.get(":, 1:" + n)))
                        .toType(x.getDataType(), false); // (batch, in, n - 1)
        // Cox-de Boor with one ratio per order: with L_j = (x - t_j) / (t_{j+k} - t_j), the right
        // factor (t_{j+k+1} - x) / (t_{j+k+1} - t_{j+1}) is 1 - L_{j+1}, so
        // B_j = L_j B_j' + (1 - L_{j+1}) B_{j+1}' = c_j + B_{j+1}' - c_{j+1} with c = L B'
        // (five full-size ops per order instead of seven; where a span is 0 the basis it scales
        // is 0 too, so the safe divisor changes nothing)
        for (int k = 1; k <= order; k++) {
            long m = n - 1 - k; // bases of order k; b holds m + 1 of order k - 1
            NDArray tLo = grid.get(":, 0:" + (m + 1)); // t_j, j = 0..m
            NDArray inv = // 1 / (t_{j+k} - t_j)
                    Scalars.pow(safe(grid.get(":, " + k + ":" + (m + 1 + k)).sub(tLo)), -1);
            NDArray c = xe.sub(tLo).mul(inv).mul(b); // (batch, in, m + 1)
            b =
                    c.get(":, :, 0:" + m)
                            .add(b.get(":, :, 1:" + (m + 1)))
                            .sub(c.get(":, :, 1:" + (m + 1)));
        }
        return b;
    }

    /**
     * Cubic bases on uniform knots in closed form: basis j is the cardinal cubic B-spline centred
     * on t_{j+2}, which with s = |x - t_{j+2}| / h is (2 - s)^3 / 6 - 2 (1 - s)^3 / 3 with each
     * cube taken of its positive part only (for s &lt; 1 that is 2/3 - s^2 + s^3 / 2, for 1 &lt;= s
     * &lt; 2 it is (2 - s)^3 / 6, and 0 beyond). Eleven full-size operations against the
     * recursion's nineteen, with the same values to rounding; efficient-kan's grids are uniform
     * until a grid update moves them.
     *
     * @param x inputs, (batch, in)
     * @param grid knots per input, (in, n), each row uniform with spacing 1 / invSpacing[i]
     * @param invSpacing 1 / h per input
     * @return bases, (batch, in, n - 4)
     */
    private static NDArray cubicUniform(NDArray x, NDArray grid, float[] invSpacing) {
        long n = grid.getShape().get(1);
        long m = n - 4; // G + 3 bases
        NDArray invH =
                x.getManager().create(invSpacing, new Shape(invSpacing.length, 1)); // (in, 1)
        NDArray centres = grid.get(":, 2:" + (m + 2)).mul(invH); // t_{j+2} / h, (in, m)
        NDArray xs = x.mul(invH.reshape(invSpacing.length)).expandDims(2); // x / h, (batch, in, 1)
        NDArray s = xs.sub(centres).abs(); // (batch, in, m)
        NDArray outer = Scalars.maximum(NDArrays.sub(2f, s), 0); // (2 - s)+
        NDArray inner = Scalars.maximum(NDArrays.sub(1f, s), 0); // (1 - s)+
        return Scalars.mul(Scalars.pow(outer, 3), 1f / 6f)
                .sub(Scalars.mul(Scalars.pow(inner, 3), 2f / 3f));
    }

    /**
     * 1 / h per row when every row of the knots is uniform (all spans within 1e-5 h of the row's
     * first), else null.
     */
    static float[] uniformInverseSpacing(NDArray grid) {
        int rows = Math.toIntExact(grid.getShape().get(0));
        int n = Math.toIntExact(grid.getShape().get(1));
        float[] t = grid.toFloatArray();
        float[] inv = new float[rows];
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            float h = t[o + 1] - t[o];
            if (!(h > 0) || !Float.isFinite(h)) {
                return null;
            }
            for (int j = 1; j < n - 1; j++) {
                if (Math.abs(t[o + j + 1] - t[o + j] - h) > 1e-5f * h) {
                    return null;
                }
            }
            inv[r] = 1f / h;
        }
        return inv;
    }

    /** Replaces zero knot spans by 1: the basis they would divide is 0 there, so the term is 0. */
    private static NDArray safe(NDArray span) {
        NDArray zero = span.eq(0f);
        return NDArrays.where(zero, span.onesLike(), span);
    }

    /**
     * Scalar bases at one point.
     *
     * @param x the point
     * @param t the knots, length n
     * @param order k
     * @param out receives the n - 1 - k bases
     */
    public static void basis(double x, double[] t, int order, double[] out) {
        int n = t.length;
        java.util.Arrays.fill(out, 0, n - 1 - order, 0.0);
        if (!(x >= t[0] && x < t[n - 1])) {
            return; // outside the knots (or NaN): every basis is 0
        }
        double[] b = new double[n - 1];
        for (int j = 0; j < n - 1; j++) {
            b[j] = x >= t[j] && x < t[j + 1] ? 1 : 0;
        }
        for (int k = 1; k <= order; k++) {
            for (int j = 0; j < n - 1 - k; j++) {
                double dl = t[j + k] - t[j];
                double dr = t[j + k + 1] - t[j + 1];
                double left = dl == 0 ? 0 : (x - t[j]) / dl * b[j];
                double right = dr == 0 ? 0 : (t[j + k + 1] - x) / dr * b[j + 1];
                b[j] = left + right;
            }
        }
        System.arraycopy(b, 0, out, 0, n - 1 - order);
    }
}
