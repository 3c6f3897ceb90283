package ai.mlpzoo.blocks.kan;

import java.util.Arrays;

/**
 * The sample-adaptive grid of efficient-kan's {@code update_grid} (after pykan's {@code
 * update_grid_from_samples}): G + 1 knots at evenly spaced ranks of the sorted samples, blended
 * with a uniform grid over [min - margin, max + margin] by grid_eps, then extended by k uniform
 * steps on each side. The uniform share keeps knots strictly increasing even when samples repeat.
 */
final class GridUpdate {

    private GridUpdate() {}

    /**
     * Knots for one input.
     *
     * @param samples the input's values over the batch (not modified)
     * @param gridSize G
     * @param order k
     * @param margin the uniform grid's margin beyond the sample range
     * @param eps the uniform grid's weight, grid_eps
     * @return G + 2k + 1 knots
     */
    static double[] knots(double[] samples, int gridSize, int order, double margin, double eps) {
        double[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        double step = (s[n - 1] - s[0] + 2 * margin) / gridSize;
        if (!(step > 0)) {
            step = 1e-3; // constant samples and no margin: keep the knots distinct
        }
        double[] t = new double[gridSize + 2 * order + 1];
        for (int j = 0; j <= gridSize; j++) {
            // torch.linspace(0, n - 1, G + 1, dtype=int64) truncates towards 0
            int rank = (int) Math.floor((double) j * (n - 1) / gridSize + 1e-9);
            double uniform = s[0] - margin + j * step;
            t[order + j] = eps * uniform + (1 - eps) * s[rank];
        }
        for (int j = 1; j <= order; j++) {
            t[order - j] = t[order] - j * step;
            t[order + gridSize + j] = t[order + gridSize] + j * step;
        }
        return t;
    }
}
