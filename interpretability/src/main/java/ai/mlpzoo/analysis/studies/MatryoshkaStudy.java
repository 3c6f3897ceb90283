package ai.mlpzoo.analysis.studies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SaeSpec;
import ai.mlpzoo.blocks.sae.SparseCoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Matryoshka BatchTopK (Bussmann et al. 2025, "Learning Multi-Level Features with Matryoshka Sparse
 * Autoencoders") against a plain BatchTopK SAE of the same width and k, on one hook point: for each
 * group boundary m, the FVU on held-out rows when only the first m latents are kept (the others
 * zeroed before decoding, in inference form, the global threshold). A Matryoshka SAE is trained so
 * that every prefix reconstructs on its own; a plain one has no reason to.
 */
public final class MatryoshkaStudy {

    private MatryoshkaStudy() {}

    /**
     * The default groups: halving from d_sae down, five groups (d/16, d/16, d/8, d/4, d/2), so the
     * boundaries are d/16, d/8, d/4, d/2 and d.
     *
     * @param dSae the dictionary size
     * @return the group sizes, summing to d_sae
     */
    public static List<Integer> defaultGroups(int dSae) {
        List<Integer> g = new ArrayList<>();
        int first = Math.max(1, dSae / 16);
        g.add(first);
        int used = first;
        for (int div : new int[] {16, 8, 4}) {
            int size = Math.max(1, dSae / div);
            if (used + size >= dSae) {
                break;
            }
            g.add(size);
            used += size;
        }
        g.add(dSae - used);
        return g;
    }

    /**
     * Runs the study.
     *
     * @param model the transformer
     * @param hook the hook point, e.g. {@code blocks.3.hook_resid_post}
     * @param groups the Matryoshka group sizes (summing to d_sae), or null for {@link
     *     #defaultGroups}
     * @param train the training texts
     * @param heldOut the held-out texts
     * @param c the sizes
     * @return a row per group boundary m
     */
    public static StudyTable run(
            TextModel model,
            String hook,
            List<Integer> groups,
            List<String> train,
            List<String> heldOut,
            StudyConfig c) {
        List<Integer> g = groups == null ? defaultGroups(c.dSae()) : List.copyOf(groups);
        // the group sizes are checked (summing to d_sae) before the model runs
        ai.mlpzoo.blocks.sae.MatryoshkaBatchTopKSae.checkGroupSizes(g, c.dSae());
        Studies.requireHooks(model.block(), List.of(hook));
        Map<String, Studies.Rows> rows =
                Studies.capture(
                        model, train, List.of(hook), false, c.maxRows(), c, "capture (train)");
        Map<String, Studies.Rows> held =
                Studies.capture(
                        model,
                        heldOut,
                        List.of(hook),
                        false,
                        c.evalRows(),
                        c,
                        "capture (held out)");
        int d = rows.get(hook).dIn();
        StudyTable table =
                new StudyTable(
                        "Matryoshka BatchTopK against BatchTopK: FVU with the first m latents",
                        List.of(
                                "m (first latents kept)",
                                "Matryoshka FVU",
                                "Matryoshka L0",
                                "BatchTopK FVU",
                                "BatchTopK L0"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = rows.get(hook).x(m);
            NDArray hx = held.get(hook).x(m);
            SparseCoder mat =
                    SaeArchitectures.get("matryoshka_batchtopk")
                            .build(new SaeSpec(d, c.dSae(), null, c.k(), true, false, g));
            Studies.train(mat, m, x, null, c, 0f, "Matryoshka BatchTopK " + hook);
            SparseCoder plain =
                    SaeArchitectures.get("batchtopk")
                            .build(SaeSpec.autoencoder(d, c.dSae(), c.k()));
            Studies.train(plain, m, x, null, c, 0f, "BatchTopK " + hook);
            int boundary = 0;
            for (int size : g) {
                boundary += size;
                Studies.Eval a = Studies.evaluate(mat, m, hx, null, boundary);
                Studies.Eval b = Studies.evaluate(plain, m, hx, null, boundary);
                table.add(Integer.toString(boundary), a.fvu(), a.l0(), b.fvu(), b.l0());
            }
        }
        table.note(
                String.format(
                        java.util.Locale.ROOT,
                        "%s; groups %s; %d training texts (%d token rows), %d held-out texts (%d"
                                + " rows); d_sae %d, k %d, %d steps of %d rows each.",
                        hook,
                        g,
                        train.size(),
                        rows.get(hook).n(),
                        heldOut.size(),
                        held.get(hook).n(),
                        c.dSae(),
                        c.k(),
                        c.steps(),
                        c.batch()));
        return table;
    }
}
