package ai.mlpzoo.analysis.studies;

import java.io.PrintStream;

/**
 * The sizes of a study. Memory is bounded by {@code maxRows}: at most that many token rows per
 * captured hook point are held (float32, width d: {@code maxRows * d * 4} bytes each, doubled for a
 * transcoder's input and output), whatever the number of texts.
 *
 * @param dSae the dictionary size of every SAE or transcoder
 * @param k active latents per row (TopK, BatchTopK, Matryoshka, multi-layer)
 * @param steps training steps of each SAE
 * @param batch rows per training step
 * @param learningRate Adam's learning rate
 * @param maxRows token rows kept per hook point for training
 * @param evalRows held-out token rows per hook point the metrics are measured on
 * @param textBatch texts per forward pass of the model
 * @param seed the random seed of the batches
 * @param log where progress lines go (stderr in the CLI), or null for none
 */
public record StudyConfig(
        int dSae,
        int k,
        int steps,
        int batch,
        float learningRate,
        int maxRows,
        int evalRows,
        int textBatch,
        long seed,
        PrintStream log) {

    /** Checks the sizes, naming the first bad one. */
    public StudyConfig {
        positive(dSae, "d_sae");
        positive(k, "k");
        positive(steps, "steps");
        positive(batch, "batch");
        positive(maxRows, "max rows");
        positive(evalRows, "eval rows");
        positive(textBatch, "text batch");
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException(
                    "learning rate must be positive, got " + learningRate);
        }
        if (k > dSae) {
            throw new IllegalArgumentException("k (" + k + ") exceeds d_sae (" + dSae + ")");
        }
    }

    private static void positive(long v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    /**
     * The defaults of {@code mlpzoo sae-study}: 1,536 latents, k 32, 300 steps of 1,024 rows, Adam
     * at 1e-3, 40,000 training and 4,096 held-out rows per hook point, 32 texts per forward pass.
     *
     * @return the defaults, logging to stderr
     */
    public static StudyConfig defaults() {
        return new StudyConfig(1536, 32, 300, 1024, 1e-3f, 40_000, 4096, 32, 0, System.err);
    }

    /**
     * @param s the steps
     * @return a copy with that many steps
     */
    public StudyConfig withSteps(int s) {
        return new StudyConfig(
                dSae, k, s, batch, learningRate, maxRows, evalRows, textBatch, seed, log);
    }

    void say(String fmt, Object... args) {
        if (log != null) {
            log.printf(java.util.Locale.ROOT, fmt + "%n", args);
            log.flush();
        }
    }
}
