package ai.mlpzoo.analysis.studies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.sae.Latents;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SaeSpec;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.capture.Capture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * A transcoder (Dunefsky et al. 2024, "Transcoders Find Interpretable LLM Feature Circuits"; a ReLU
 * transcoder with an L1 penalty, architecture {@code transcoder}) for each chosen MLP ({@code
 * blocks.i.mlp}: its input to its output), spliced into the model in place of that MLP: the cosine
 * between the spliced and the original sentence embeddings over held-out texts, against the MLP
 * zero-ablated (its output replaced by zeros), and the share of the ablation's loss the transcoder
 * recovers, {@code (cos_spliced - cos_zero) / (1 - cos_zero)}.
 */
public final class TranscoderSpliceStudy {

    private TranscoderSpliceStudy() {}

    /**
     * Runs the study.
     *
     * @param model the transformer
     * @param layers the layers whose MLP ({@code blocks.i.mlp}) gets a transcoder
     * @param l1 the L1 coefficient
     * @param train the training texts
     * @param heldOut the held-out texts (captured for the FVU, and embedded)
     * @param c the sizes
     * @return a row per layer
     */
    public static StudyTable run(
            TextModel model,
            List<Integer> layers,
            float l1,
            List<String> train,
            List<String> heldOut,
            StudyConfig c) {
        List<String> hooks = new ArrayList<>();
        for (int i : layers) {
            hooks.add("blocks." + i + ".mlp");
        }
        Studies.requireHooks(model.block(), hooks);
        Map<String, Studies.Rows> rows =
                Studies.capture(model, train, hooks, true, c.maxRows(), c, "capture (train)");
        Map<String, Studies.Rows> held =
                Studies.capture(model, heldOut, hooks, true, c.evalRows(), c, "capture (held out)");
        StudyTable table =
                new StudyTable(
                        "Transcoders spliced in place of each MLP: sentence-embedding cosine",
                        List.of(
                                "MLP",
                                "transcoder FVU",
                                "transcoder L0",
                                "cos spliced",
                                "cos zero-ablated",
                                "recovered"));
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] clean = embed(model, heldOut, null, null, c);
            for (String h : hooks) {
                Studies.Rows r = rows.get(h);
                SparseCoder tc =
                        SaeArchitectures.get("transcoder")
                                .build(
                                        new SaeSpec(
                                                r.dIn(), c.dSae(), r.dOut(), null, false, false));
                double fvu;
                double l0;
                try (NDManager s = m.newSubManager()) {
                    Studies.train(tc, m, r.x(s), r.y(s), c, l1, "transcoder " + h);
                    Studies.Eval e =
                            Studies.evaluate(tc, s, held.get(h).x(s), held.get(h).y(s), c.dSae());
                    fvu = e.fvu();
                    l0 = e.l0();
                }
                rows.remove(h); // its training rows are no longer needed
                double spliced = meanCosine(clean, embed(model, heldOut, h, transcode(tc), c));
                double zero =
                        meanCosine(
                                clean, embed(model, heldOut, h, (in, out) -> out.zerosLike(), c));
                double recovered = zero < 1 ? (spliced - zero) / (1 - zero) : Double.NaN;
                table.add(h, fvu, l0, spliced, zero, recovered);
                c.say("%s: cos spliced %.4f, zero-ablated %.4f", h, spliced, zero);
            }
        }
        table.note(
                String.format(
                        java.util.Locale.ROOT,
                        "ReLU transcoders (L1 %.3g), d_sae %d, %d steps of %d rows each, trained on"
                                + " up to %d token rows of %d texts; FVU and L0 on up to %d held-out"
                                + " rows; cosines: mean over %d held-out texts.",
                        l1,
                        c.dSae(),
                        c.steps(),
                        c.batch(),
                        c.maxRows(),
                        train.size(),
                        c.evalRows(),
                        heldOut.size()));
        return table;
    }

    /** The transcoder applied to the MLP's input, in the shape of its output. */
    static BinaryOperator<NDArray> transcode(SparseCoder tc) {
        return (in, out) -> {
            Shape s = in.getShape(); // (batch, tokens, d_in)
            NDArray flat = in.reshape(-1, s.get(s.dimension() - 1)); // (batch * tokens, d_in)
            ParameterStore ps = new ParameterStore(in.getManager(), false);
            Latents z = tc.encode(ps, flat, false);
            NDArray y = tc.reconstruct(ps, flat, z, false); // (batch * tokens, d_out)
            return y.reshape(out.getShape()); // (batch, tokens, d_out)
        };
    }

    /**
     * The sentence embeddings of texts, with an optional replacement spliced in at a hook point.
     *
     * @return (texts, d), one row per text
     */
    static float[][] embed(
            TextModel model,
            List<String> texts,
            String hook,
            BinaryOperator<NDArray> replace,
            StudyConfig c) {
        float[][] out = new float[texts.size()][];
        Capture splice = hook == null ? null : Capture.splice(model.block(), hook, replace);
        try (NDManager base = NDManager.newBaseManager()) {
            for (int from = 0; from < texts.size(); from += c.textBatch()) {
                List<String> chunk =
                        texts.subList(from, Math.min(texts.size(), from + c.textBatch()));
                try (NDManager m = base.newSubManager()) {
                    TextModel.Tokens t = model.tokenize(chunk, m);
                    NDArray e =
                            model.sentenceEmbedding(
                                    model.block()
                                            .forward(
                                                    new ParameterStore(m, false),
                                                    t.inputs(),
                                                    false));
                    int d = (int) e.getShape().get(1); // (batch, d)
                    float[] all = e.toFloatArray();
                    for (int i = 0; i < chunk.size(); i++) {
                        out[from + i] = java.util.Arrays.copyOfRange(all, i * d, (i + 1) * d);
                    }
                }
            }
        } finally {
            if (splice != null) {
                splice.close();
            }
        }
        return out;
    }

    /** The mean over texts of the cosine between two embeddings of each. */
    static double meanCosine(float[][] a, float[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int j = 0; j < a[i].length; j++) {
                dot += a[i][j] * (double) b[i][j];
                na += a[i][j] * (double) a[i][j];
                nb += b[i][j] * (double) b[i][j];
            }
            sum += dot / Math.max(Math.sqrt(na * nb), 1e-12);
        }
        return sum / a.length;
    }
}
