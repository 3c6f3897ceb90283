package ai.mlpzoo.analysis.studies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.sae.Latents;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.capture.Capture;
import ai.mlpzoo.capture.HookPoints;
import ai.mlpzoo.sae.training.BatchSource;
import ai.mlpzoo.sae.training.SaeMetrics;
import ai.mlpzoo.sae.training.SaeTrainer;
import ai.mlpzoo.sae.training.SaeTrainingConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** What the studies share: capturing several hook points in one pass, training, evaluating. */
final class Studies {

    private Studies() {}

    /**
     * The token rows of one hook point: x (n, dIn), and for a pair capture y (n, dOut).
     *
     * @param x the rows, row-major
     * @param y the output rows, or null
     * @param n the number of rows
     * @param dIn the width of x
     * @param dOut the width of y (0 without)
     */
    record Rows(float[] x, float[] y, int n, int dIn, int dOut) {
        NDArray x(NDManager m) {
            return m.create(x, new Shape(n, dIn));
        }

        NDArray y(NDManager m) {
            return y == null ? null : m.create(y, new Shape(n, dOut));
        }
    }

    /**
     * Fails unless every hook point exists.
     *
     * @throws IllegalArgumentException listing the model's hook points
     */
    static void requireHooks(Block block, List<String> hooks) {
        for (String h : hooks) {
            HookPoints.require(block, h);
        }
    }

    /**
     * Runs the model over texts once, capturing every hook point in the same forward passes, and
     * keeps the rows of real tokens (padding dropped), at most {@code maxRows} per hook point.
     *
     * @param pairs whether to keep each point's input as x and its output as y (else the output as
     *     x)
     */
    static Map<String, Rows> capture(
            TextModel model,
            List<String> texts,
            List<String> hooks,
            boolean pairs,
            int maxRows,
            StudyConfig c,
            String what) {
        Block block = model.block();
        requireHooks(block, hooks);
        Map<String, float[]> xs = new LinkedHashMap<>();
        Map<String, float[]> ys = new LinkedHashMap<>();
        int[] widths = new int[2];
        int rows = 0;
        long start = System.nanoTime();
        List<Capture> captures = new ArrayList<>();
        try (NDManager base = NDManager.newBaseManager()) {
            for (String h : hooks) {
                captures.add(Capture.install(block, h));
            }
            int batches = 0;
            for (int from = 0; from < texts.size() && rows < maxRows; from += c.textBatch()) {
                List<String> chunk =
                        texts.subList(from, Math.min(texts.size(), from + c.textBatch()));
                try (NDManager m = base.newSubManager()) {
                    TextModel.Tokens t = model.tokenize(chunk, m);
                    block.forward(new ParameterStore(m, false), t.inputs(), false);
                    int n = 0;
                    for (int len : t.lengths()) {
                        n += len;
                    }
                    n = Math.min(n, maxRows - rows); // the last batch cut to maxRows
                    for (Capture cap : captures) {
                        NDArray x = pairs ? cap.input() : cap.output();
                        widths[0] = width(x);
                        append(xs, cap.path(), tokens(x, t.lengths()), rows, n, widths[0], maxRows);
                        if (pairs) {
                            widths[1] = width(cap.output());
                            append(
                                    ys,
                                    cap.path(),
                                    tokens(cap.output(), t.lengths()),
                                    rows,
                                    n,
                                    widths[1],
                                    maxRows);
                        }
                    }
                    rows += n;
                }
                if (++batches % 20 == 0) {
                    c.say(
                            "%s: %d texts, %d token rows, %.0f s",
                            what, Math.min(texts.size(), from + c.textBatch()), rows, secs(start));
                }
            }
        } finally {
            for (Capture cap : captures) {
                cap.close();
            }
        }
        if (rows == 0) {
            throw new IllegalArgumentException(what + ": the texts gave no tokens; give some text");
        }
        c.say(
                "%s: %d token rows of %d hook point(s) in %.0f s",
                what, rows, hooks.size(), secs(start));
        Map<String, Rows> out = new LinkedHashMap<>();
        for (String h : hooks) {
            float[] x = java.util.Arrays.copyOf(xs.get(h), rows * widths[0]);
            float[] y = pairs ? java.util.Arrays.copyOf(ys.get(h), rows * widths[1]) : null;
            out.put(h, new Rows(x, y, rows, widths[0], pairs ? widths[1] : 0));
        }
        return out;
    }

    private static void append(
            Map<String, float[]> into,
            String hook,
            float[] rows,
            int at,
            int n,
            int width,
            int max) {
        float[] buf = into.get(hook);
        if (buf == null) {
            buf = new float[Math.min(max, Math.max(n, 1024)) * width];
        }
        int need = (at + n) * width;
        if (buf.length < need) {
            // grow by doubling, capped at maxRows rows: the memory is bounded by maxRows
            buf =
                    java.util.Arrays.copyOf(
                            buf, Math.min(max * width, Math.max(need, buf.length * 2)));
        }
        System.arraycopy(rows, 0, buf, at * width, n * width);
        into.put(hook, buf);
    }

    /** The width of a row: every axis after (batch, tokens) flattened (hook_z's heads x d_head). */
    static int width(NDArray a) {
        Shape s = a.getShape();
        return (int) (s.size() / (s.get(0) * s.get(1)));
    }

    /** The rows of the real tokens of each text, padding dropped: (sum of lengths) x width. */
    static float[] tokens(NDArray a, int[] lengths) {
        Shape s = a.getShape(); // (batch, tokens, ...)
        int tokens = (int) s.get(1);
        int width = width(a);
        float[] all = a.toType(DataType.FLOAT32, false).toFloatArray();
        int total = 0;
        for (int len : lengths) {
            total += len;
        }
        float[] out = new float[total * width];
        int at = 0;
        for (int i = 0; i < lengths.length; i++) {
            System.arraycopy(all, i * tokens * width, out, at, lengths[i] * width);
            at += lengths[i] * width;
        }
        return out;
    }

    /**
     * Trains a sparse coder on rows in memory, drawing random batches (with a seed), with a
     * progress line every tenth of the steps.
     *
     * @param x inputs (N, d_in)
     * @param y targets (N, d_out), or null for an autoencoder
     * @param l1 the L1 coefficient (ReLU architectures only)
     */
    static SaeMetrics train(
            SparseCoder sae,
            NDManager m,
            NDArray x,
            NDArray y,
            StudyConfig c,
            float l1,
            String what) {
        sae.initialize(m, DataType.FLOAT32, new Shape(1, x.getShape().get(1)));
        SaeTrainer trainer =
                new SaeTrainer(
                        sae,
                        new SaeTrainingConfig()
                                .learningRate(c.learningRate())
                                .l1Coefficient(l1)
                                .l1WarmupSteps(c.steps() / 5)
                                // a latent unused for 25 batches counts as dead (AuxK revives it):
                                // the default window of 10M rows is longer than these runs
                                .deadTokens(25L * c.batch())
                                .progress(false));
        long n = x.getShape().get(0);
        Random random = new Random(c.seed());
        BatchSource source =
                mm -> {
                    long[] idx = new long[c.batch()];
                    for (int i = 0; i < idx.length; i++) {
                        idx[i] = (long) (random.nextDouble() * n);
                    }
                    NDArray rows = mm.create(idx);
                    NDList b = new NDList(x.get(mm, new ai.djl.ndarray.index.NDIndex("{}", rows)));
                    if (y != null) {
                        b.add(y.get(mm, new ai.djl.ndarray.index.NDIndex("{}", rows)));
                    }
                    return b;
                };
        try (NDManager s = m.newSubManager()) {
            NDList first = source.next(s);
            trainer.initialize(first.get(0), y == null ? null : first.get(1));
        }
        long start = System.nanoTime();
        int every = Math.max(1, c.steps() / 10);
        return trainer.fit(
                source,
                c.steps(),
                metrics -> {
                    int done = metrics.step() + 1;
                    if (done % every == 0) {
                        c.say(
                                "%s: step %d/%d %s (%.0f s)",
                                what, done, c.steps(), metrics.summary(), secs(start));
                    }
                });
    }

    /**
     * An evaluation on held-out rows: FVU, L0, and how many rows each latent fired on.
     *
     * @param fvu the fraction of variance unexplained
     * @param l0 the mean number of active latents per row
     * @param fired rows each latent fired on (value above 0)
     * @param rows the number of rows
     */
    record Eval(double fvu, double l0, long[] fired, long rows) {
        double deadFraction() {
            long dead = 0;
            for (long f : fired) {
                if (f == 0) {
                    dead++;
                }
            }
            return dead / (double) fired.length;
        }
    }

    /**
     * Evaluates in inference form on rows (x, and y for a transcoder).
     *
     * @param keep latents kept (the first {@code keep}; the others zeroed before decoding), or
     *     d_sae for all
     */
    static Eval evaluate(SparseCoder sae, NDManager m, NDArray x, NDArray y, int keep) {
        try (NDManager s = m.newSubManager()) {
            ParameterStore ps = new ParameterStore(s, false);
            NDArray xs = x.duplicate(); // (N, d_in)
            xs.attach(s);
            NDArray target = y == null ? xs : y;
            Latents z = sae.encode(ps, xs, false);
            NDArray dense = z.dense(); // (N, d_sae)
            int dSae = (int) dense.getShape().get(1);
            NDArray yHat;
            if (keep >= dSae) {
                yHat = sae.reconstruct(ps, xs, z, false); // (N, d_out)
            } else {
                float[] mask = new float[dSae];
                java.util.Arrays.fill(mask, 0, keep, 1f);
                NDArray kept = dense.mul(s.create(mask)); // (N, d_sae), latents >= keep zeroed
                yHat = sae.decode(ps, kept, false); // (N, d_out), b_dec included
                dense = kept;
            }
            NDArray on = dense.gt(0f);
            float[] counts = on.sum(new int[] {0}).toType(DataType.FLOAT32, false).toFloatArray();
            long[] fired = new long[counts.length];
            for (int i = 0; i < counts.length; i++) {
                fired[i] = (long) counts[i];
            }
            SaeMetrics metrics = SaeMetrics.of(-1, Double.NaN, target, yHat, dense, 0);
            return new Eval(metrics.fvu(), metrics.l0(), fired, x.getShape().get(0));
        }
    }

    static double secs(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** The number of layers: the model's {@code blocks.i.hook_resid_post} points. */
    static int layers(Block block) {
        int n = 0;
        while (HookPoints.declared(block).containsKey("blocks." + n + ".hook_resid_post")) {
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException(
                    "the model has no blocks.0.hook_resid_post; its hook points: "
                            + String.join(", ", HookPoints.names(block)));
        }
        return n;
    }
}
