package ai.mlpzoo.blocks.kan;

/**
 * Least-squares refits of spline coefficients onto new knots, keeping the curves a layer computes:
 * the grid update and grid extension both reduce to this, one small system per input.
 */
final class SplineFit {

    private SplineFit() {}

    /**
     * Fits, for every input i, coefficients on {@code newKnots[i]} reproducing the old scaled
     * spline curves of all edges leaving i at {@code points[i]}.
     *
     * @param old the layer before the change
     * @param points sample points per input, (in, m_i)
     * @param newKnots the new knots per input, (in, G' + 2k + 1)
     * @param order k
     * @param numBases G' + k
     * @return scaled coefficients, (out, in, G' + k)
     */
    static double[][][] refit(
            KanEdges old, double[][] points, double[][] newKnots, int order, int numBases) {
        int in = old.inFeatures();
        int out = old.outFeatures();
        double[][][] result = new double[out][in][];
        double[][][] oldCoeff = old.coefficients();
        int oldBases = oldCoeff[0][0].length;
        double[] bOld = new double[oldBases];
        for (int i = 0; i < in; i++) {
            double[] p = points[i];
            double[] oldKnots = old.knots(i);
            double[][] a = new double[p.length][numBases]; // new bases at the points
            double[][] y = new double[p.length][out]; // old curves at the points
            for (int r = 0; r < p.length; r++) {
                BSplines.basis(p[r], newKnots[i], order, a[r]);
                BSplines.basis(p[r], oldKnots, old.order(), bOld);
                for (int o = 0; o < out; o++) {
                    double s = 0;
                    for (int q = 0; q < oldBases; q++) {
                        s += bOld[q] * oldCoeff[o][i][q];
                    }
                    y[r][o] = s;
                }
            }
            double[][] x = LeastSquares.solve(a, y); // (G' + k, out)
            for (int o = 0; o < out; o++) {
                result[o][i] = new double[numBases];
                for (int q = 0; q < numBases; q++) {
                    result[o][i][q] = x[q][o];
                }
            }
        }
        return result;
    }

    /**
     * The samples plus {@code sweep} evenly spaced points over the knots' interior, so that every
     * new basis is pinned down by data.
     *
     * @param samples the input's samples
     * @param knots the new knots
     * @param order k
     * @param sweep the number of extra points
     * @return the union
     */
    static double[] withSweep(double[] samples, double[] knots, int order, int sweep) {
        double lo = knots[order];
        double hi = Math.nextDown(knots[knots.length - 1 - order]);
        double[] p = java.util.Arrays.copyOf(samples, samples.length + sweep);
        for (int s = 0; s < sweep; s++) {
            p[samples.length + s] = lo + (hi - lo) * s / (sweep - 1);
        }
        return p;
    }
}
