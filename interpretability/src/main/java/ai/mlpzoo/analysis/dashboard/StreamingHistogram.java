package ai.mlpzoo.analysis.dashboard;

import java.util.Arrays;

/**
 * A histogram of positive values over a range not known in advance, in fixed memory: {@code bins}
 * equal bins over {@code [0, upper)}, where {@code upper} is a power of two that doubles whenever a
 * value reaches it, merging the bins pairwise. Doubling the range merges exactly two old bins into
 * one new one, so the counts stay exact for the current bin edges whatever the order of the values.
 */
public final class StreamingHistogram {

    private final long[] counts;
    private float upper;
    private long total;

    /**
     * An empty histogram.
     *
     * @param bins the number of bins, even and at least 2
     */
    public StreamingHistogram(int bins) {
        if (bins < 2 || bins % 2 != 0) {
            throw new IllegalArgumentException(
                    "a streaming histogram needs an even number of bins >= 2, got " + bins);
        }
        counts = new long[bins];
    }

    /**
     * Counts a value.
     *
     * @param v a positive finite value
     */
    public void add(float v) {
        if (!(v > 0) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(
                    "a histogram of activations takes positive finite values, got " + v);
        }
        if (upper == 0) {
            // the smallest power of two above the first value
            upper = Math.scalb(1f, Math.getExponent(v) + 1);
        }
        while (v >= upper) {
            int n = counts.length;
            for (int i = 0; i < n / 2; i++) {
                counts[i] = counts[2 * i] + counts[2 * i + 1];
            }
            Arrays.fill(counts, n / 2, n, 0);
            upper *= 2;
        }
        int b = (int) (v / upper * counts.length);
        counts[Math.min(b, counts.length - 1)]++;
        total++;
    }

    /**
     * @return the counts per bin (a copy), bin i covering {@code [i, i + 1) * upper / bins}
     */
    public long[] counts() {
        return counts.clone();
    }

    /**
     * @return the upper edge of the last bin, 0 while empty
     */
    public float upper() {
        return upper;
    }

    /**
     * @return the number of values counted
     */
    public long total() {
        return total;
    }
}
