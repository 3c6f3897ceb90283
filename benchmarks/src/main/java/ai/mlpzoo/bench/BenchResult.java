package ai.mlpzoo.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one case: the step times (ms, ascending) and the line {@code mlpzoo bench} prints,
 * {@code "<case> ms_per_step=<median> steps=<n>"} plus {@code " gflops=<x>"} when the case's FLOPs
 * are known and case-specific {@code key=value} fields; or the reason it was skipped.
 *
 * @param name the case
 * @param sortedMs the timed steps in ms, ascending (empty when skipped)
 * @param flopsPerStep FLOPs of one step, or NaN
 * @param extras case-specific fields, in order
 * @param skipped why the case did not run, or null
 */
public record BenchResult(
        String name,
        double[] sortedMs,
        double flopsPerStep,
        Map<String, String> extras,
        String skipped) {

    /**
     * A skipped case.
     *
     * @param name the case
     * @param reason why
     * @return the result
     */
    public static BenchResult skipped(String name, String reason) {
        return new BenchResult(name, new double[0], Double.NaN, new LinkedHashMap<>(), reason);
    }

    /**
     * @return the number of timed steps
     */
    public int steps() {
        return sortedMs.length;
    }

    /**
     * @return the median step time in ms
     */
    public double medianMs() {
        return percentile(50);
    }

    /**
     * A percentile of the step times (nearest rank).
     *
     * @param p the percentile, 0 to 100
     * @return ms
     */
    public double percentile(double p) {
        return percentile(sortedMs, p);
    }

    /**
     * A percentile (nearest rank; the median of an even count is the mean of the middle two).
     *
     * @param sorted ascending values
     * @param p the percentile, 0 to 100
     * @return the value, NaN when empty
     */
    public static double percentile(double[] sorted, double p) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        if (p == 50) {
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    /**
     * @return GFLOP/s at the median step time, or NaN
     */
    public double gflops() {
        return flopsPerStep / (medianMs() * 1e6);
    }

    /**
     * @return the printed line
     */
    public String line() {
        if (skipped != null) {
            return name + " skipped: " + skipped;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT, "%s ms_per_step=%s steps=%d", name, fmt(medianMs()), steps()));
        if (!Double.isNaN(flopsPerStep)) {
            sb.append(String.format(Locale.ROOT, " gflops=%.1f", gflops()));
        }
        for (Map.Entry<String, String> e : extras.entrySet()) {
            sb.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /**
     * Formats milliseconds with three significant decimals for small values.
     *
     * @param ms the value
     * @return the text
     */
    public static String fmt(double ms) {
        return ms >= 100
                ? String.format(Locale.ROOT, "%.1f", ms)
                : String.format(Locale.ROOT, "%.3f", ms);
    }
}
