package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A double-precision snapshot of a {@link KANLinear}'s edges, for reading the learned univariate
 * functions out (the interpretability KANs are used for) and for refitting splines. Edge i -> j
 * computes phi_ji(x) = base_weight[j, i] b(x) + sum_c C[j, i, c] B_c(x) with C = spline_weight *
 * spline_scaler.
 */
public final class KanEdges {

    private final int in;
    private final int out;
    private final int order;
    private final BaseActivation activation;
    private final double[][] knots; // (in, G + 2k + 1)
    private final double[][] base; // (out, in)
    private final double[][][] coeff; // (out, in, G + k), scaler applied
    private final double[][] scalers; // (out, in), null without standalone scalers

    private KanEdges(KANLinear layer) {
        in = layer.getInFeatures();
        out = layer.getOutFeatures();
        order = layer.getOptions().splineOrder();
        activation = layer.getOptions().baseActivation();
        int c = layer.getOptions().numBases();
        knots = matrix(layer.gridParameter().getArray(), in, layer.getOptions().numKnots());
        base = matrix(layer.baseWeightParameter().getArray(), out, in);
        scalers =
                layer.splineScalerParameter() == null
                        ? null
                        : matrix(layer.splineScalerParameter().getArray(), out, in);
        float[] w = floats(layer.splineWeightParameter().getArray());
        coeff = new double[out][in][c];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double s = scalers == null ? 1 : scalers[o][i];
                for (int q = 0; q < c; q++) {
                    coeff[o][i][q] = w[(o * in + i) * c + q] * s;
                }
            }
        }
    }

    /**
     * Snapshots a layer's current parameters.
     *
     * @param layer an initialised layer
     * @return the snapshot
     */
    public static KanEdges of(KANLinear layer) {
        return new KanEdges(layer);
    }

    /**
     * The spline part of edge input -> output (scaler included), without the base term.
     *
     * @param input i
     * @param output j
     * @param x the point
     * @return s_ji sum_c c_jic B_c(x)
     */
    public double spline(int input, int output, double x) {
        double[] b = new double[coeff[0][0].length];
        BSplines.basis(x, knots[input], order, b);
        double s = 0;
        for (int q = 0; q < b.length; q++) {
            s += b[q] * coeff[output][input][q];
        }
        return s;
    }

    /**
     * The whole edge function.
     *
     * @param input i
     * @param output j
     * @param x the point
     * @return phi_ji(x)
     */
    public double phi(int input, int output, double x) {
        check(input, output);
        return base[output][input] * activation.apply(x) + spline(input, output, x);
    }

    /**
     * Samples an edge function evenly over its input's grid (the interior knots t_k .. t_{G+k}).
     *
     * @param input i
     * @param output j
     * @param points the number of samples, at least 2
     * @return {xs, phi(xs)}, each of length {@code points}
     */
    public double[][] curve(int input, int output, int points) {
        check(input, output);
        if (points < 2) {
            throw new IllegalArgumentException(
                    "an edge curve needs at least 2 points, got " + points);
        }
        double[] t = knots[input];
        double lo = t[order];
        double hi = t[t.length - 1 - order];
        double[][] xy = new double[2][points];
        for (int p = 0; p < points; p++) {
            double x = lo + (hi - lo) * p / (points - 1);
            // the right end of the last interval is open: nudge the final sample inside it
            xy[0][p] = x;
            xy[1][p] = phi(input, output, p == points - 1 ? Math.nextDown(hi) : x);
        }
        return xy;
    }

    /**
     * The interior of an input's grid, where its splines live.
     *
     * @param input i
     * @return {t_k, t_{G+k}}
     */
    public double[] range(int input) {
        check(input, 0);
        double[] t = knots[input];
        return new double[] {t[order], t[t.length - 1 - order]};
    }

    private void check(int input, int output) {
        if (input < 0 || input >= in || output < 0 || output >= out) {
            throw new IllegalArgumentException(
                    "edge "
                            + input
                            + " -> "
                            + output
                            + " does not exist in a "
                            + in
                            + " -> "
                            + out
                            + " layer");
        }
    }

    /**
     * @return the knots of input i, a copy
     */
    public double[] knots(int input) {
        return knots[input].clone();
    }

    /**
     * @return the scaled coefficients (out, in, G + k), shared
     */
    double[][][] coefficients() {
        return coeff;
    }

    /**
     * @return the standalone scalers (out, in), or null
     */
    double[][] scalers() {
        return scalers;
    }

    /**
     * @return the spline order k
     */
    int order() {
        return order;
    }

    /**
     * @return the input width
     */
    public int inFeatures() {
        return in;
    }

    /**
     * @return the output width
     */
    public int outFeatures() {
        return out;
    }

    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static double[][] matrix(NDArray a, int rows, int cols) {
        float[] v = floats(a);
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = v[r * cols + c];
            }
        }
        return m;
    }
}
