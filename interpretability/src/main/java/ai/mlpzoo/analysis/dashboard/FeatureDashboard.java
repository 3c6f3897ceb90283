package ai.mlpzoo.analysis.dashboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Accumulates what a feature dashboard shows, text by text, in memory bounded by the dictionary
 * size and not by the corpus (SAELens' and Neuronpedia's dashboards show the same measures): per
 * latent the number of tokens it fires on (activation above 0), the sum and maximum of its
 * activations, a {@link StreamingHistogram} of its nonzero activations, and a {@link TopExamples}
 * heap of the texts with its strongest activations, one example per text, each a window of tokens
 * around its strongest token.
 *
 * <p>Not thread-safe: one caller adds the texts in corpus order.
 */
public final class FeatureDashboard {

    /** Bins of each latent's activation histogram. */
    public static final int HISTOGRAM_BINS = 48;

    private final int dSae;
    private final int examplesPerLatent;
    private final int before;
    private final int after;
    private final long[] fired;
    private final double[] sum;
    private final float[] max;
    private final String[] maxPiece;
    private final StreamingHistogram[] histograms;
    private final TopExamples[] top;
    private long tokens;
    private long texts;

    // per text: the strongest token of each latent that fired in it, reset after the text
    private final float[] textMax;
    private final int[] textMaxAt;
    private final int[] touched;

    /**
     * An empty dashboard.
     *
     * @param dSae the number of latents
     * @param examplesPerLatent how many texts to keep per latent
     * @param before tokens kept before an example's strongest token
     * @param after tokens kept after it
     */
    public FeatureDashboard(int dSae, int examplesPerLatent, int before, int after) {
        if (dSae < 1) {
            throw new IllegalArgumentException("d_sae must be >= 1, got " + dSae);
        }
        if (examplesPerLatent < 1) {
            throw new IllegalArgumentException(
                    "examples per latent must be >= 1, got " + examplesPerLatent);
        }
        if (before < 0 || after < 0) {
            throw new IllegalArgumentException(
                    "the context window must not be negative, got " + before + ", " + after);
        }
        this.dSae = dSae;
        this.examplesPerLatent = examplesPerLatent;
        this.before = before;
        this.after = after;
        fired = new long[dSae];
        sum = new double[dSae];
        max = new float[dSae];
        maxPiece = new String[dSae];
        histograms = new StreamingHistogram[dSae]; // made on a latent's first firing
        top = new TopExamples[dSae];
        textMax = new float[dSae];
        textMaxAt = new int[dSae];
        touched = new int[dSae];
    }

    /**
     * Adds one text.
     *
     * @param pieces its tokens as they appear in the text (special tokens as themselves)
     * @param acts the latents of its tokens, row-major (tokens, d_sae), starting at {@code from}
     * @param from the index in {@code acts} of the text's first token's first latent
     * @throws IllegalArgumentException when {@code acts} is too short or holds a NaN or infinity
     */
    public void addText(String[] pieces, float[] acts, int from) {
        int n = pieces.length;
        if (from < 0 || (long) from + (long) n * dSae > acts.length) {
            throw new IllegalArgumentException(
                    "the latents of a text of "
                            + n
                            + " tokens need "
                            + (long) n * dSae
                            + " values from index "
                            + from
                            + ", the array holds "
                            + acts.length);
        }
        int nTouched = 0;
        for (int t = 0; t < n; t++) {
            int row = from + t * dSae;
            for (int j = 0; j < dSae; j++) {
                float v = acts[row + j];
                if (v > 0) {
                    if (Float.isInfinite(v)) {
                        throw nonFinite(v, t, j);
                    }
                    fired[j]++;
                    sum[j] += v;
                    if (v > max[j]) {
                        max[j] = v;
                        maxPiece[j] = pieces[t];
                    }
                    StreamingHistogram h = histograms[j];
                    if (h == null) {
                        h = histograms[j] = new StreamingHistogram(HISTOGRAM_BINS);
                    }
                    h.add(v);
                    if (textMax[j] == 0) {
                        touched[nTouched++] = j;
                    }
                    if (v > textMax[j]) {
                        textMax[j] = v;
                        textMaxAt[j] = t;
                    }
                } else if (v != v) {
                    throw nonFinite(v, t, j);
                }
            }
        }
        long seq = texts;
        for (int i = 0; i < nTouched; i++) {
            int j = touched[i];
            float v = textMax[j];
            int at = textMaxAt[j];
            TopExamples heap = top[j];
            if (heap == null) {
                heap = top[j] = new TopExamples(examplesPerLatent);
            }
            heap.offer(v, () -> window(pieces, acts, from, j, at, v, seq));
            textMax[j] = 0;
        }
        tokens += n;
        texts++;
    }

    private TopExamples.Example window(
            String[] pieces, float[] acts, int from, int latent, int at, float v, long seq) {
        int lo = Math.max(0, at - before);
        int hi = Math.min(pieces.length, at + after + 1);
        float[] a = new float[hi - lo];
        for (int t = lo; t < hi; t++) {
            a[t - lo] = acts[from + t * dSae + latent];
        }
        return new TopExamples.Example(
                v, seq, Arrays.copyOfRange(pieces, lo, hi), a, at - lo, lo > 0, hi < pieces.length);
    }

    private static IllegalArgumentException nonFinite(float v, int token, int latent) {
        return new IllegalArgumentException(
                "latent "
                        + latent
                        + " is "
                        + v
                        + " at token "
                        + token
                        + ": the SAE's activations must be finite (a broken checkpoint?)");
    }

    /**
     * The latents by firing frequency, most frequent first; equal frequencies by latent index.
     *
     * @return every latent index, ordered
     */
    public List<Integer> byFrequency() {
        List<Integer> order = new ArrayList<>(dSae);
        for (int j = 0; j < dSae; j++) {
            order.add(j);
        }
        order.sort(
                Comparator.<Integer>comparingLong(j -> -fired[j])
                        .thenComparingInt(Integer::intValue));
        return order;
    }

    /**
     * @return the number of latents
     */
    public int dSae() {
        return dSae;
    }

    /**
     * @return the tokens seen
     */
    public long tokens() {
        return tokens;
    }

    /**
     * @return the texts seen
     */
    public long texts() {
        return texts;
    }

    /**
     * @param latent a latent
     * @return the tokens it fired on
     */
    public long fired(int latent) {
        return fired[latent];
    }

    /**
     * @param latent a latent
     * @return the share of tokens it fired on, 0 before any token
     */
    public double frequency(int latent) {
        return tokens == 0 ? 0 : (double) fired[latent] / tokens;
    }

    /**
     * @param latent a latent
     * @return its mean activation over the tokens it fired on, 0 if none
     */
    public double meanActivation(int latent) {
        return fired[latent] == 0 ? 0 : sum[latent] / fired[latent];
    }

    /**
     * @param latent a latent
     * @return its largest activation, 0 if it never fired
     */
    public float maxActivation(int latent) {
        return max[latent];
    }

    /**
     * @param latent a latent
     * @return the token of its largest activation, null if it never fired
     */
    public String maxToken(int latent) {
        return maxPiece[latent];
    }

    /**
     * @param latent a latent
     * @return the histogram of its nonzero activations, null if it never fired
     */
    public StreamingHistogram histogram(int latent) {
        return histograms[latent];
    }

    /**
     * @param latent a latent
     * @return its strongest texts, strongest first (empty if it never fired)
     */
    public List<TopExamples.Example> examples(int latent) {
        return top[latent] == null ? List.of() : top[latent].sorted();
    }
}
