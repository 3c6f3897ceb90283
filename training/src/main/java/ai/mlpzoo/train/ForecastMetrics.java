package ai.mlpzoo.train;

/**
 * Test figures of a forecaster as the papers' {@code utils/metrics.py} computes them: MSE and MAE
 * of the z-scored forecast against the z-scored target, averaged over every window, step and
 * channel; and the same over the windows TimeMixer's test loader keeps ({@code drop_last=True} with
 * batch 128: the first floor(n / 128) * 128 windows), the figures its published table covers.
 *
 * @param mse over every window
 * @param mae over every window
 * @param windows how many windows
 * @param dropLastMse over the first {@code dropLastWindows}
 * @param dropLastMae over the first {@code dropLastWindows}
 * @param dropLastWindows floor(windows / 128) * 128
 */
public record ForecastMetrics(
        double mse,
        double mae,
        int windows,
        double dropLastMse,
        double dropLastMae,
        int dropLastWindows) {

    /** The batch size of TimeMixer's test loader, whose last partial batch it drops. */
    public static final int DROP_LAST_BATCH = 128;

    /**
     * Averages per-window sums.
     *
     * @param squared per window, the sum of squared errors over its steps and channels
     * @param absolute per window, the sum of absolute errors
     * @param valuesPerWindow steps x channels
     * @return the figures (drop_last ones NaN when there are fewer than 128 windows)
     */
    public static ForecastMetrics of(double[] squared, double[] absolute, long valuesPerWindow) {
        int n = squared.length;
        int kept = n / DROP_LAST_BATCH * DROP_LAST_BATCH;
        double sq = 0;
        double ab = 0;
        double sqKept = Double.NaN;
        double abKept = Double.NaN;
        for (int i = 0; i < n; i++) {
            if (i == kept) {
                sqKept = sq;
                abKept = ab;
            }
            sq += squared[i];
            ab += absolute[i];
        }
        if (kept == n) {
            sqKept = sq;
            abKept = ab;
        }
        double per = (double) valuesPerWindow;
        return new ForecastMetrics(
                sq / (n * per),
                ab / (n * per),
                n,
                kept == 0 ? Double.NaN : sqKept / (kept * per),
                kept == 0 ? Double.NaN : abKept / (kept * per),
                kept);
    }
}
