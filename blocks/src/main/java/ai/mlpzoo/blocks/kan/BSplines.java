package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

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
            NDArray inv =
                    safe(grid.get(":, " + k + ":" + (m + 1 + k)).sub(tLo))
                            .pow(-1f); // 1 / (t_{j+k} - t_j)
            NDArray c = xe.sub(tLo).mul(inv).mul(b); // (batch, in, m + 1)
            b =
                    c.get(":, :, 0:" + m)
                            .add(b.get(":, :, 1:" + (m + 1)))
                            .sub(c.get(":, :, 1:" + (m + 1)));
        }
        return b;
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
