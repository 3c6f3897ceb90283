package ai.mlpzoo.sae.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.sae.Latents;
import ai.mlpzoo.blocks.sae.MatryoshkaBatchTopKSae;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SaeSpec;
import ai.mlpzoo.blocks.sae.SaeTerms;
import ai.mlpzoo.blocks.sae.SaeTrainingStep;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Matryoshka BatchTopK against its references (fixtures/reference/sae2, whose README states every
 * step): dictionary_learning's {@code MatryoshkaBatchTopKTrainer.update} (matryoshka_train), and
 * SAELens' training pass with its inner losses (matryoshka_jumprelu's {@code train.*}).
 */
@ExtendWith(SingleThread.class)
class MatryoshkaTrainerTest {

    private static final float TOL = 1e-4f;

    private static Path sae2() {
        String root = System.getProperty("mlpzoo.fixtures", "../fixtures");
        Path dir = Paths.get(root, "reference", "sae2").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(dir), "fixtures at " + dir);
        return dir;
    }

    private static NDArray get(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no tensor " + name);
    }

    private static float[] f(NDList list, String name) {
        return get(list, name).toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length, "lengths");
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private static void close(String what, float[] expected, float[] actual, double tol) {
        double d = maxDiff(expected, actual);
        System.out.printf("matryoshka %-28s max |diff| %.3g%n", what, d);
        assertTrue(d <= tol, what + ": max |diff| " + d);
    }

    private static void close(String what, float expected, float actual) {
        // relative above 1, absolute below (the README's convention)
        double d = Math.abs(expected - actual) / Math.max(1, Math.abs(expected));
        System.out.printf("matryoshka %-28s %.7g vs %.7g (diff %.3g)%n", what, expected, actual, d);
        assertTrue(d <= TOL, what + ": " + expected + " vs " + actual);
    }

    /** A Matryoshka SAE d_in 16, d_sae 64, k 4, groups [8, 24, 32] holding the named tensors. */
    private static MatryoshkaBatchTopKSae load(NDManager m, NDList tensors) {
        SparseCoder block =
                SaeArchitectures.get("matryoshka_batchtopk")
                        .build(new SaeSpec(16, 64, null, 4, true, false, List.of(8, 24, 32)));
        block.initialize(m, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 16));
        for (String p : new String[] {"W_enc", "b_enc", "W_dec", "b_dec"}) {
            NDArray dst =
                    switch (p) {
                        case "W_enc" -> block.getWEnc().getArray();
                        case "b_enc" -> block.getBEnc().getArray();
                        case "W_dec" -> block.getWDec().getArray();
                        default -> block.getBDec().getArray();
                    };
            dst.set(get(tensors, p).toFloatArray());
        }
        return (MatryoshkaBatchTopKSae) block;
    }

    @Test
    void dictionaryLearningUpdateMatchesTheReference() throws IOException {
        Path dir = sae2();
        try (NDManager m = NDManager.newBaseManager()) {
            NDList ae = SafeTensors.read(m, dir.resolve("matryoshka_train/ae.safetensors"));
            NDList io = SafeTensors.read(m, dir.resolve("matryoshka_train.io.safetensors"));
            MatryoshkaBatchTopKSae sae = load(m, ae);
            assertArrayEquals(
                    get(ae, "group_sizes").toLongArray(),
                    java.util.Arrays.stream(sae.getGroupSizes()).asLongStream().toArray());
            // training.json: lr 0.0032, 10000 steps, warm-up 1000, no decay, k 4, equal weights,
            // auxk_alpha 1/32, top_k_aux 8, dead at 10M tokens, beta 0.999 from step 1000
            float third = (float) (1.0 / 3);
            MatryoshkaTrainer.Config cfg =
                    new MatryoshkaTrainer.Config(
                            0.0032f,
                            10000,
                            1000,
                            -1,
                            4,
                            -1,
                            new float[] {third, third, third},
                            0.03125f,
                            8,
                            10_000_000L,
                            0.999,
                            1000);
            MatryoshkaTrainer t = new MatryoshkaTrainer(sae, cfg);
            t.setK(get(ae, "k").toType(DataType.INT32, false).getInt());
            t.setThreshold(get(ae, "threshold").getFloat());
            t.setTokensSinceFired(get(io, "num_tokens_since_fired_before").toLongArray());

            // the inference forward on the state before the step uses the threshold
            NDArray x = get(io, "input");
            NDList inf = sae.forward(new ParameterStore(m, false), new NDList(x), false);
            close(
                    "inference.feature_acts",
                    f(io, "inference.feature_acts"),
                    inf.get(0).toFloatArray(),
                    TOL);
            close("inference.output", f(io, "inference.output"), inf.get(1).toFloatArray(), TOL);

            MatryoshkaTrainer.Result r = t.update(1200, x);
            close("feature_acts", f(io, "feature_acts"), r.featureActs(), TOL);
            close("output", f(io, "output"), r.output(), TOL);
            close("group_recons", f(io, "group_recons"), r.groupRecons(), TOL);
            close("group_l2_terms", f(io, "group_l2_terms"), r.groupL2Terms(), 1e-4 * 13);
            close("l2_loss", get(io, "l2_loss").getFloat(), r.l2Loss());
            close(
                    "pre_norm_auxk_loss",
                    get(io, "pre_norm_auxk_loss").getFloat(),
                    r.preNormAuxkLoss());
            close("auxk_loss", get(io, "auxk_loss").getFloat(), r.auxkLoss());
            close("loss", get(io, "loss").getFloat(), r.loss());
            close("threshold_after", get(io, "threshold_after").getFloat(), t.threshold());
            assertEquals(0.0032f, r.lrUsed(), 1e-9f, "lr_used");
            long[] deadRef = get(io, "dead_mask").toLongArray();
            for (int j = 0; j < deadRef.length; j++) {
                assertEquals(deadRef[j] != 0, r.deadMask()[j], "dead latent " + j);
            }
            assertArrayEquals(
                    get(io, "num_tokens_since_fired_after").toLongArray(), t.tokensSinceFired());
            for (String p : new String[] {"W_enc", "b_enc", "W_dec", "b_dec"}) {
                close("grad_raw." + p, f(io, "grad_raw." + p), r.gradRaw().get(p), 1e-5);
                close("grad." + p, f(io, "grad." + p), r.grad().get(p), 1e-5);
            }
            close(
                    "grad_before_clip_norm",
                    get(io, "grad_before_clip_norm").getFloat(),
                    r.gradBeforeClipNorm());
            close(
                    "after_step.W_enc",
                    f(io, "after_step.W_enc"),
                    sae.getWEnc().getArray().toFloatArray(),
                    1e-5);
            close(
                    "after_step.b_enc",
                    f(io, "after_step.b_enc"),
                    sae.getBEnc().getArray().toFloatArray(),
                    1e-5);
            close(
                    "after_step.W_dec",
                    f(io, "after_step.W_dec"),
                    sae.getWDec().getArray().toFloatArray(),
                    1e-5);
            close(
                    "after_step.b_dec",
                    f(io, "after_step.b_dec"),
                    sae.getBDec().getArray().toFloatArray(),
                    1e-5);
            close(
                    "after_step.threshold",
                    get(io, "after_step.threshold").getFloat(),
                    sae.getThreshold().getArray().getFloat(0));
            assertEquals(get(io, "after_step.k").toType(DataType.INT32, false).getInt(), t.k());
        }
    }

    @Test
    void saeLensTrainingPassMatchesTheReference() throws IOException {
        Path dir = sae2();
        try (NDManager m = NDManager.newBaseManager()) {
            // the folded inference weights reproduce the training forward (unit decoder rows)
            NDList w =
                    SafeTensors.read(m, dir.resolve("matryoshka_jumprelu/sae_weights.safetensors"));
            NDList io = SafeTensors.read(m, dir.resolve("matryoshka_jumprelu.io.safetensors"));
            MatryoshkaBatchTopKSae sae = load(m, w);
            float before = get(io, "train.topk_threshold_before").getFloat();
            sae.getThreshold().getArray().set(new float[64]);
            sae.getThreshold().getArray().addi(before);
            assertArrayEquals(new int[] {8, 32, 64}, sae.widths(), "matryoshka_widths");
            NDArray x = get(io, "train.input");
            ParameterStore ps = new ParameterStore(m, false);
            Latents z = sae.encode(ps, x, true);
            NDArray yHat = sae.reconstruct(ps, x, z, true);
            close("train.feature_acts", f(io, "train.feature_acts"), z.dense().toFloatArray(), TOL);
            close("train.output", f(io, "train.output"), yHat.toFloatArray(), TOL);
            close(
                    "train.topk_threshold_after",
                    get(io, "train.topk_threshold_after").getFloat(),
                    sae.getThreshold().getArray().getFloat(0));
            long[] deadRef = get(io, "train.dead_neuron_mask").toLongArray();
            boolean[] dead = new boolean[deadRef.length];
            for (int j = 0; j < dead.length; j++) {
                dead[j] = deadRef[j] != 0;
            }
            SaeTrainingStep step =
                    new SaeTrainingStep(
                            sae,
                            ps,
                            x,
                            x,
                            z,
                            yHat,
                            dead,
                            -1,
                            m,
                            name -> {
                                assertEquals(SaeTerms.AUXK, name, "the only coefficient");
                                return 1.0; // aux_loss_coefficient in train_cfg.json
                            });
            float mse = SaeTerms.rowSquaredError(yHat, x).getFloat();
            close("train.mse_loss", get(io, "train.mse_loss").getFloat(), mse);
            NDArray[] prefixes =
                    sae.prefixReconstructions(
                            sae.getWDec().getArray(), sae.getBDec().getArray(), z.dense());
            close(
                    "train.inner_mse_loss_8",
                    get(io, "train.inner_mse_loss_8").getFloat(),
                    SaeTerms.rowSquaredError(prefixes[0], x).getFloat());
            close(
                    "train.inner_mse_loss_32",
                    get(io, "train.inner_mse_loss_32").getFloat(),
                    SaeTerms.rowSquaredError(prefixes[1], x).getFloat());
            close(
                    "train.auxiliary_reconstruction_loss",
                    get(io, "train.auxiliary_reconstruction_loss").getFloat(),
                    MatryoshkaBatchTopKSae.saeLensAuxK(step).getFloat());
            // the registered term plus the trainer's reconstruction loss is SAELens' loss
            float total =
                    mse
                            + SaeArchitectures.get("matryoshka_batchtopk")
                                    .training()
                                    .loss(step)
                                    .getFloat();
            close("train.loss", get(io, "train.loss").getFloat(), total);
        }
    }

    @Test
    void groupSizesThatDoNotSumToTheWidthAreRefused() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new MatryoshkaBatchTopKSae(
                                        SaeDims.autoencoder(16, 64), 4, List.of(8, 24, 30)));
        assertTrue(
                e.getMessage().contains("group_sizes")
                        && e.getMessage().contains("sums to 62")
                        && e.getMessage().contains("d_sae is 64"),
                e.getMessage());
        IllegalArgumentException v =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                SaeArchitectures.get("matryoshka_batchtopk")
                                        .validate(
                                                new SaeSpec(
                                                        16,
                                                        64,
                                                        null,
                                                        4,
                                                        true,
                                                        false,
                                                        List.of(0, 64))));
        assertTrue(v.getMessage().contains("group_sizes"), v.getMessage());
    }

    @Test
    void bothTrainersLowerTheLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            ToyFeatures toy = new ToyFeatures(m, 48, 16, 0.99, 3, 128);
            // SAELens' loss through the project's trainer
            SparseCoder block =
                    SaeArchitectures.get("matryoshka_batchtopk")
                            .build(new SaeSpec(16, 64, null, 4, true, false, List.of(8, 24, 32)));
            block.initialize(m, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 16));
            SaeTrainer trainer =
                    new SaeTrainer(
                            block, new SaeTrainingConfig().learningRate(3e-3f).progress(false));
            try (NDManager s = m.newSubManager()) {
                trainer.initialize(toy.next(s).get(0), null);
            }
            double first;
            try (NDManager s = m.newSubManager()) {
                first = trainer.step(toy.next(s).get(0), null).loss();
            }
            double last = trainer.fit(toy, 150, null).loss();
            System.out.printf("matryoshka SaeTrainer loss %.4f -> %.4f%n", first, last);
            assertTrue(last < 0.5 * first, "SaeTrainer: " + first + " -> " + last);

            // dictionary_learning's update
            MatryoshkaBatchTopKSae sae =
                    (MatryoshkaBatchTopKSae)
                            SaeArchitectures.get("matryoshka_batchtopk")
                                    .build(
                                            new SaeSpec(
                                                    16,
                                                    64,
                                                    null,
                                                    4,
                                                    true,
                                                    false,
                                                    List.of(8, 24, 32)));
            sae.initialize(m, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 16));
            MatryoshkaTrainer.Config d = MatryoshkaTrainer.Config.defaults(sae, 200);
            MatryoshkaTrainer dl =
                    new MatryoshkaTrainer(
                            sae,
                            new MatryoshkaTrainer.Config(
                                    3e-3f,
                                    200,
                                    10,
                                    -1,
                                    4,
                                    -1,
                                    d.groupWeights(),
                                    d.auxkAlpha(),
                                    d.topKAux(),
                                    d.deadTokens(),
                                    d.thresholdBeta(),
                                    50));
            float l0 = 0;
            float l1 = 0;
            for (int step = 1; step <= 200; step++) {
                try (NDManager s = m.newSubManager()) {
                    float loss = dl.update(step, toy.next(s).get(0)).loss();
                    if (step == 11) {
                        l0 = loss; // after the warm-up
                    }
                    l1 = loss;
                }
            }
            System.out.printf(
                    "matryoshka dictionary_learning loss %.4f -> %.4f, threshold %.4f%n",
                    l0, l1, dl.threshold());
            assertTrue(l1 < 0.5 * l0, "MatryoshkaTrainer: " + l0 + " -> " + l1);
            assertTrue(dl.threshold() > 0, "the threshold moved from -1");
        }
    }
}
