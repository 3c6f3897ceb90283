package ai.mlpzoo.analysis.studies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.sae.Latents;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SaeSpec;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.sae.training.SaeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-layer TopK SAEs against one multi-layer SAE (Lawson et al. 2024, "Residual Stream Analysis
 * with Multi-Layer SAEs") on every layer's residual stream ({@code blocks.i.hook_resid_post}, all
 * captured in the same forward passes). Per layer, on held-out tokens: FVU, L0 and the dead
 * fraction (latents that fire on none of that layer's held-out rows) of the layer's own TopK SAE
 * and of the one MLSAE; and the share of the MLSAE's latents firing at a layer that also fire at
 * another one (the paper's central finding: most latents are active at several layers). The MLSAE
 * trains on the rows of every layer mixed, as many steps of as many rows as each per-layer SAE. The
 * paper's per-token measure is in the notes: for a token, at how many layers a latent active on it
 * is active (the paper finds latents shared across layers when pooled over tokens, but mostly at
 * one layer, or adjacent ones, for any single token).
 */
public final class MultiLayerStudy {

    private MultiLayerStudy() {}

    /**
     * The active latents of each row, k slots per row (-1 where the slot's value is not positive).
     *
     * @return (rows * k) latent ids
     */
    private static int[] activeLatents(SparseCoder sae, NDManager m, NDArray x, int k) {
        try (NDManager s = m.newSubManager()) {
            NDArray xs = x.duplicate(); // (N, d)
            xs.attach(s);
            Latents z = sae.encode(new ParameterStore(s, false), xs, false);
            int n = Math.toIntExact(x.getShape().get(0));
            int[] out = new int[n * k];
            java.util.Arrays.fill(out, -1);
            if (z.isSparse()) {
                long[] idx = z.topIndices().toType(DataType.INT64, false).toLongArray();
                float[] val = z.topValues().toFloatArray();
                int kk = idx.length / Math.max(1, n);
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < Math.min(k, kk); j++) {
                        if (val[r * kk + j] > 0) {
                            out[r * k + j] = (int) idx[r * kk + j];
                        }
                    }
                }
                return out;
            }
            float[] dense = z.dense().toFloatArray(); // (N, d_sae)
            int dSae = dense.length / Math.max(1, n);
            for (int r = 0; r < n; r++) {
                int j = 0;
                for (int f = 0; f < dSae && j < k; f++) {
                    if (dense[r * dSae + f] > 0) {
                        out[r * k + j++] = f;
                    }
                }
            }
            return out;
        }
    }

    /**
     * Lawson et al.'s per-token measure: for every (token, latent) pair where the latent is active
     * on the token at some layer, at how many layers it is active for that token.
     *
     * @param activeAt per layer, k latent ids per row (-1: none); rows are the same tokens at every
     *     layer
     * @param rows the number of tokens
     * @param k slots per row
     * @param dSae the number of latents
     * @return {mean layers per pair, share of pairs at exactly one layer, number of pairs}
     */
    static double[] perToken(int[][] activeAt, int rows, int k, int dSae) {
        int[] count = new int[dSae];
        int[] touched = new int[activeAt.length * k];
        long pairs = 0;
        long single = 0;
        long layerSum = 0;
        for (int r = 0; r < rows; r++) {
            int nt = 0;
            for (int[] layer : activeAt) {
                for (int j = 0; j < k; j++) {
                    int f = layer[r * k + j];
                    if (f >= 0 && count[f]++ == 0) {
                        touched[nt++] = f;
                    }
                }
            }
            for (int q = 0; q < nt; q++) {
                int f = touched[q];
                pairs++;
                layerSum += count[f];
                single += count[f] == 1 ? 1 : 0;
                count[f] = 0;
            }
        }
        return pairs == 0
                ? new double[] {Double.NaN, Double.NaN, 0}
                : new double[] {layerSum / (double) pairs, single / (double) pairs, pairs};
    }

    /**
     * Runs the study.
     *
     * @param model the transformer
     * @param train the texts the SAEs train on
     * @param heldOut the texts they are measured on
     * @param c the sizes
     * @return a row per layer and a row "all"
     */
    public static StudyTable run(
            TextModel model, List<String> train, List<String> heldOut, StudyConfig c) {
        int layers = Studies.layers(model.block());
        List<String> hooks = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            hooks.add("blocks." + i + ".hook_resid_post");
        }
        Map<String, Studies.Rows> rows =
                Studies.capture(model, train, hooks, false, c.maxRows(), c, "capture (train)");
        Map<String, Studies.Rows> held =
                Studies.capture(
                        model, heldOut, hooks, false, c.evalRows(), c, "capture (held out)");
        int d = rows.get(hooks.get(0)).dIn();
        int trainRows = rows.get(hooks.get(0)).n();
        StudyTable table =
                new StudyTable(
                        "Per-layer TopK SAEs against one multi-layer SAE",
                        List.of(
                                "layer",
                                "TopK FVU",
                                "TopK L0",
                                "TopK dead",
                                "MLSAE FVU",
                                "MLSAE L0",
                                "MLSAE dead",
                                "MLSAE latents here also firing elsewhere"));
        double[][] perLayer = new double[layers][3];
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < layers; i++) {
                String h = hooks.get(i);
                try (NDManager s = m.newSubManager()) {
                    SparseCoder sae =
                            SaeArchitectures.get("topk")
                                    .build(SaeSpec.autoencoder(d, c.dSae(), c.k()));
                    NDArray x = rows.get(h).x(s);
                    Studies.train(sae, s, x, null, c, 0f, "TopK " + h);
                    Studies.Eval e = Studies.evaluate(sae, s, held.get(h).x(s), null, c.dSae());
                    perLayer[i] = new double[] {e.fvu(), e.l0(), e.deadFraction()};
                }
            }
            // the multi-layer SAE on every layer's rows at once: (layers * n, d)
            SparseCoder mlsae =
                    SaeArchitectures.get("mlsae").build(SaeSpec.autoencoder(d, c.dSae(), c.k()));
            NDArray all;
            try (NDManager s = m.newSubManager()) {
                List<NDArray> parts = new ArrayList<>();
                for (String h : hooks) {
                    parts.add(rows.get(h).x(s));
                }
                all = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), 0);
                all.attach(m);
            }
            rows.clear(); // the Java copies are no longer needed
            SaeMetrics last = Studies.train(mlsae, m, all, null, c, 0f, "MLSAE all layers");
            all.close();
            long[][] fired = new long[layers][];
            double[][] ml = new double[layers][];
            int[][] activeAt = new int[layers][]; // per layer, the active latents of each row
            for (int i = 0; i < layers; i++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray x = held.get(hooks.get(i)).x(s);
                    Studies.Eval e = Studies.evaluate(mlsae, s, x, null, c.dSae());
                    fired[i] = e.fired();
                    ml[i] = new double[] {e.fvu(), e.l0(), e.deadFraction()};
                    activeAt[i] = activeLatents(mlsae, s, x, c.k());
                }
            }
            double[] perToken = perToken(activeAt, held.get(hooks.get(0)).n(), c.k(), c.dSae());
            int[] layersFired = new int[c.dSae()];
            for (int f = 0; f < c.dSae(); f++) {
                for (int i = 0; i < layers; i++) {
                    if (fired[i][f] > 0) {
                        layersFired[f]++;
                    }
                }
            }
            double[] sum = new double[7];
            for (int i = 0; i < layers; i++) {
                long here = 0;
                long elsewhere = 0;
                for (int f = 0; f < c.dSae(); f++) {
                    if (fired[i][f] > 0) {
                        here++;
                        if (layersFired[f] > 1) {
                            elsewhere++;
                        }
                    }
                }
                double share = here == 0 ? Double.NaN : elsewhere / (double) here;
                double[] r = {
                    perLayer[i][0],
                    perLayer[i][1],
                    perLayer[i][2],
                    ml[i][0],
                    ml[i][1],
                    ml[i][2],
                    share
                };
                table.add(Integer.toString(i), r);
                for (int j = 0; j < 6; j++) {
                    sum[j] += r[j] / layers;
                }
            }
            long alive = 0;
            long multi = 0;
            double layerSum = 0;
            for (int f = 0; f < c.dSae(); f++) {
                if (layersFired[f] > 0) {
                    alive++;
                    layerSum += layersFired[f];
                    if (layersFired[f] > 1) {
                        multi++;
                    }
                }
            }
            sum[6] = alive == 0 ? Double.NaN : multi / (double) alive;
            table.add("mean (all: share of live latents)", sum);
            table.note(
                    String.format(
                            java.util.Locale.ROOT,
                            "MLSAE: %d of %d latents fire on some held-out row; %d of them (%.1f%%)"
                                    + " fire at more than one layer, at %.2f layers on average;"
                                    + " its last training batch: %s.",
                            alive,
                            c.dSae(),
                            multi,
                            alive == 0 ? 0 : 100.0 * multi / alive,
                            alive == 0 ? 0 : layerSum / alive,
                            last.summary()));
            table.note(
                    String.format(
                            java.util.Locale.ROOT,
                            "Per token (the paper's measure): a latent active on a held-out token"
                                    + " is active at %.2f of the %d layers for that token on"
                                    + " average, and at one layer only in %.1f%% of the %d"
                                    + " (token, latent) pairs; pooled over all held-out tokens"
                                    + " the same latents fire at %.2f layers.",
                            perToken[0],
                            layers,
                            100 * perToken[1],
                            (long) perToken[2],
                            alive == 0 ? 0 : layerSum / alive));
        }
        table.note(
                String.format(
                        java.util.Locale.ROOT,
                        "%d training texts (%d token rows per layer), %d held-out texts (%d rows per"
                                + " layer); d_sae %d, k %d, %d steps of %d rows each; dead = fires on"
                                + " no held-out row of that layer.",
                        train.size(),
                        trainRows,
                        heldOut.size(),
                        held.get(hooks.get(0)).n(),
                        c.dSae(),
                        c.k(),
                        c.steps(),
                        c.batch()));
        return table;
    }
}
