package ai.mlpzoo.analysis.studies;

import ai.djl.ndarray.NDManager;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SaeSpec;
import ai.mlpzoo.blocks.sae.SparseCoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An attention-output SAE (Kissane et al. 2024, "Interpreting Attention Layer Outputs with Sparse
 * Autoencoders") on one layer's {@code hook_z} (each head's output before the output projection,
 * flattened head-major to heads x d_head), and for its most frequent features on held-out tokens,
 * which heads carry them. The attribution is the paper's weight-based one: a feature's decoder row
 * lives in the concatenated z space, so it splits into one slice per head, and head h's share is
 * {@code ||W_dec[f, h]|| / sum_h' ||W_dec[f, h']||} (L2 norms of the slices; the shares of a
 * feature sum to 1).
 */
public final class HookZHeadsStudy {

    private HookZHeadsStudy() {}

    /**
     * The per-head shares of one decoder row.
     *
     * @param row the decoder row (heads * dHead)
     * @param heads the number of heads
     * @return the shares, summing to 1
     */
    public static double[] headShares(float[] row, int heads) {
        if (heads <= 0 || row.length % heads != 0) {
            throw new IllegalArgumentException(
                    "a decoder row of width "
                            + row.length
                            + " does not split into "
                            + heads
                            + " heads");
        }
        int dHead = row.length / heads;
        double[] norms = new double[heads];
        double total = 0;
        for (int h = 0; h < heads; h++) {
            double sq = 0;
            for (int j = h * dHead; j < (h + 1) * dHead; j++) {
                sq += row[j] * (double) row[j];
            }
            norms[h] = Math.sqrt(sq);
            total += norms[h];
        }
        for (int h = 0; h < heads; h++) {
            norms[h] = total > 0 ? norms[h] / total : 1.0 / heads;
        }
        return norms;
    }

    /**
     * Runs the study.
     *
     * @param model the transformer
     * @param layer the layer whose {@code blocks.<layer>.attention.hook_z} is read
     * @param heads the number of heads
     * @param features how many of the most frequent features to list
     * @param train the training texts
     * @param heldOut the held-out texts
     * @param c the sizes
     * @return a row per feature: frequency, the three heads with the largest shares, the heads
     *     needed for 90% of the share; then one column per head
     */
    public static StudyTable run(
            TextModel model,
            int layer,
            int heads,
            int features,
            List<String> train,
            List<String> heldOut,
            StudyConfig c) {
        String hook = "blocks." + layer + ".attention.hook_z";
        Studies.requireHooks(model.block(), List.of(hook));
        if (features <= 0) {
            throw new IllegalArgumentException("features must be positive, got " + features);
        }
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
        if (d % heads != 0) {
            throw new IllegalArgumentException(
                    hook + " has width " + d + ", which does not split into " + heads + " heads");
        }
        List<String> header =
                new ArrayList<>(
                        List.of(
                                "feature",
                                "frequency",
                                "top head",
                                "share",
                                "2nd head",
                                "share 2",
                                "3rd head",
                                "share 3",
                                "heads for 90%"));
        for (int h = 0; h < heads; h++) {
            header.add("head " + h);
        }
        StudyTable table =
                new StudyTable(
                        "Attention-output (hook_z) SAE on layer "
                                + layer
                                + ": the heads of its most frequent features",
                        header);
        double fvu;
        double l0;
        try (NDManager m = NDManager.newBaseManager()) {
            SparseCoder sae =
                    SaeArchitectures.get("topk").build(SaeSpec.autoencoder(d, c.dSae(), c.k()));
            Studies.train(sae, m, rows.get(hook).x(m), null, c, 0f, "hook_z TopK " + hook);
            Studies.Eval e = Studies.evaluate(sae, m, held.get(hook).x(m), null, c.dSae());
            fvu = e.fvu();
            l0 = e.l0();
            float[] wDec = sae.getWDec().getArray().toFloatArray(); // (d_sae, d_in), row-major
            Integer[] order = new Integer[c.dSae()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            long[] fired = e.fired();
            Arrays.sort(order, (a, b) -> Long.compare(fired[b], fired[a]));
            for (int r = 0; r < Math.min(features, order.length); r++) {
                int f = order[r];
                double[] shares = headShares(Arrays.copyOfRange(wDec, f * d, (f + 1) * d), heads);
                Integer[] byShare = new Integer[heads];
                for (int h = 0; h < heads; h++) {
                    byShare[h] = h;
                }
                Arrays.sort(byShare, (a, b) -> Double.compare(shares[b], shares[a]));
                int need = 0;
                double acc = 0;
                while (acc < 0.9 && need < heads) {
                    acc += shares[byShare[need++]];
                }
                double[] cells = new double[header.size() - 1];
                cells[0] = fired[f] / (double) e.rows();
                for (int j = 0; j < 3 && j < heads; j++) {
                    cells[1 + 2 * j] = byShare[j];
                    cells[2 + 2 * j] = shares[byShare[j]];
                }
                cells[7] = need;
                System.arraycopy(shares, 0, cells, 8, heads);
                table.add(Integer.toString(f), cells);
            }
        }
        table.note(
                String.format(
                        Locale.ROOT,
                        "TopK SAE on %s (%d heads x %d), d_sae %d, k %d, %d steps of %d rows, %d"
                                + " training texts (%d token rows); on %d held-out rows of %d texts:"
                                + " FVU %.4f, L0 %.1f. Frequency: the share of held-out tokens the"
                                + " feature fires on. Head shares: ||W_dec[f, head]|| / sum over"
                                + " heads (Kissane et al.'s weight-based attribution).",
                        hook,
                        heads,
                        d / heads,
                        c.dSae(),
                        c.k(),
                        c.steps(),
                        c.batch(),
                        train.size(),
                        rows.get(hook).n(),
                        held.get(hook).n(),
                        heldOut.size(),
                        fvu,
                        l0));
        return table;
    }
}
