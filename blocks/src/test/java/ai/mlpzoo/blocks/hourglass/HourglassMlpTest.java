package ai.mlpzoo.blocks.hourglass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Hourglass MLP (Chen et al. 2025, arXiv:2510.01796): shapes of both block shapes, the residual
 * computed as the paper writes it, the fixed random input projection (no gradient, no optimiser
 * update, saved and reloaded with the weights, the same matrix for the same seed), training that
 * lowers the loss, and bad inputs.
 */
class HourglassMlpTest {

    private static HourglassMlp hourglass(long seed) {
        return new HourglassMlp(
                12,
                32,
                4,
                3,
                5,
                HourglassMlp.BlockShape.HOURGLASS,
                HourglassMlp.InputProjection.FIXED,
                seed,
                true,
                ResidualMlpBlock.Act.GELU);
    }

    private static HourglassMlp conventional() {
        return new HourglassMlp(
                12,
                12,
                40,
                2,
                5,
                HourglassMlp.BlockShape.CONVENTIONAL,
                HourglassMlp.InputProjection.NONE,
                0,
                true,
                ResidualMlpBlock.Act.GELU);
    }

    @Test
    void bothShapesGiveLogitsAndFeaturesAndTakeImagesOrFlatPixels() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (HourglassMlp model : new HourglassMlp[] {hourglass(1), conventional()}) {
                model.initialize(m, DataType.FLOAT32, new Shape(1, 12));
                NDArray x = m.randomNormal(new Shape(4, 12));
                NDList out = model.forward(new ParameterStore(m, false), new NDList(x), false);
                assertEquals(new Shape(4, 5), out.get(0).getShape());
                assertEquals("output", out.get(0).getName());
                assertEquals(new Shape(4, model.dz()), out.get(1).getShape());
                assertEquals("pre_logits", out.get(1).getName());
                // an image batch (B, 1, 3, 4) is the same pixels flattened in C, H, W order
                NDList img =
                        model.forward(
                                new ParameterStore(m, false),
                                new NDList(x.reshape(4, 1, 3, 4)),
                                false);
                assertArrayEquals(out.get(0).toFloatArray(), img.get(0).toFloatArray(), 0f);
            }
            assertTrue(hourglass(1).blocks().get(0).isHourglass());
            assertFalse(conventional().blocks().get(0).isHourglass());
            assertNull(conventional().inputProjection());
        }
    }

    /**
     * The forward is the paper's z_0 = W_in x, z_{i+1} = z_i + W_2 σ(W_1 norm(z_i)), y = W_out
     * norm(z_L), recomputed here from the parameters with plain array operations.
     */
    @Test
    void theForwardIsThePapersEquations() {
        try (NDManager m = NDManager.newBaseManager()) {
            HourglassMlp model = hourglass(3);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            Map<String, Parameter> p = NamedParameters.of(model);
            for (Parameter q : p.values()) {
                if (q.getType() == Parameter.Type.BIAS || q.getName().equals("beta")) {
                    // non-zero biases and shifts, so that a missing one shows
                    q.getArray().addi(m.randomNormal(q.getArray().getShape()).mul(0.1f));
                }
            }
            NDArray x = m.randomNormal(new Shape(6, 12));
            NDArray z = x.matMul(p.get("input_projection.weight").getArray().transpose());
            for (int i = 0; i < 3; i++) {
                String b = "blocks." + i + ".";
                NDArray u = layerNorm(z, p.get(b + "norm.weight"), p.get(b + "norm.bias"));
                NDArray h = linear(u, p.get(b + "fc1.weight"), p.get(b + "fc1.bias"));
                h = h.mul(h.div(Math.sqrt(2)).erf().add(1)).mul(0.5); // exact GELU
                z = z.add(linear(h, p.get(b + "fc2.weight"), p.get(b + "fc2.bias")));
            }
            NDArray f = layerNorm(z, p.get("head.norm.weight"), p.get("head.norm.bias"));
            NDArray y = linear(f, p.get("head.fc.weight"), p.get("head.fc.bias"));
            NDList out = model.forward(new ParameterStore(m, false), new NDList(x), false);
            assertTrue(out.get(0).sub(y).abs().max().getFloat() < 1e-5f, "logits");
            assertTrue(out.get(1).sub(f).abs().max().getFloat() < 1e-5f, "pre_logits");
        }
    }

    private static NDArray linear(NDArray x, Parameter w, Parameter b) {
        return x.matMul(w.getArray().transpose()).add(b.getArray());
    }

    private static NDArray layerNorm(NDArray x, Parameter gamma, Parameter beta) {
        NDArray mean = x.mean(new int[] {1}, true);
        NDArray var = x.sub(mean).square().mean(new int[] {1}, true);
        return x.sub(mean).div(var.add(1e-5).sqrt()).mul(gamma.getArray()).add(beta.getArray());
    }

    @Test
    void theProjectionIsTheSeedsGaussianOnEveryEngine() {
        try (NDManager m = NDManager.newBaseManager()) {
            HourglassMlp a = hourglass(7);
            HourglassMlp b = hourglass(7);
            HourglassMlp c = hourglass(8);
            m.getEngine().setRandomSeed(1);
            a.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            m.getEngine().setRandomSeed(2); // the engine's generator plays no part
            b.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            c.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            float[] wa = a.inputProjection().weight().getArray().toFloatArray();
            float[] wb = b.inputProjection().weight().getArray().toFloatArray();
            float[] wc = c.inputProjection().weight().getArray().toFloatArray();
            assertArrayEquals(wa, wb, 0f);
            assertFalse(java.util.Arrays.equals(wa, wc), "another seed, another matrix");
            // the first entry is java.util.Random(7)'s first Gaussian over sqrt(d_x)
            assertEquals(
                    (float) (new java.util.Random(7).nextGaussian() / Math.sqrt(12)), wa[0], 0f);
            assertEquals(new Shape(32, 12), a.inputProjection().weight().getArray().getShape());
        }
    }

    /**
     * The fixed projection gets no gradient and the optimiser leaves it bit for bit unchanged,
     * while every other parameter moves and the loss falls; a learned projection does move.
     */
    @Test
    void theFixedProjectionGetsNoGradientAndNoUpdateWhileTheRestTrains() {
        for (HourglassMlp.InputProjection kind :
                new HourglassMlp.InputProjection[] {
                    HourglassMlp.InputProjection.FIXED, HourglassMlp.InputProjection.LEARNED
                }) {
            HourglassMlp block =
                    new HourglassMlp(
                            12,
                            32,
                            4,
                            2,
                            3,
                            HourglassMlp.BlockShape.HOURGLASS,
                            kind,
                            5,
                            true,
                            ResidualMlpBlock.Act.GELU);
            try (Model model = Model.newInstance("hourglass")) {
                model.setBlock(block);
                DefaultTrainingConfig tc =
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                                .optOptimizer(
                                        Optimizer.adam()
                                                .optLearningRateTracker(Tracker.fixed(0.01f))
                                                .optWeightDecays(0.1f)
                                                .build());
                try (Trainer trainer = model.newTrainer(tc)) {
                    NDManager m = trainer.getManager();
                    m.getEngine().setRandomSeed(11);
                    trainer.initialize(new Shape(16, 12));
                    Parameter w = block.inputProjection().weight();
                    float[] before = w.getArray().toFloatArray();
                    Map<String, float[]> others = new java.util.LinkedHashMap<>();
                    NamedParameters.of(block)
                            .forEach(
                                    (k, v) -> {
                                        if (v != w) {
                                            others.put(k, v.getArray().toFloatArray());
                                        }
                                    });
                    NDArray x = m.randomNormal(new Shape(16, 12));
                    NDArray y = m.randomInteger(0, 3, new Shape(16), DataType.INT32);
                    float first = Float.NaN;
                    float last = Float.NaN;
                    for (int step = 0; step < 30; step++) {
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList pred = trainer.forward(new NDList(x));
                            NDArray l =
                                    trainer.getLoss()
                                            .evaluate(new NDList(y), new NDList(pred.get(0)));
                            gc.backward(l);
                            last = l.getFloat();
                            first = step == 0 ? last : first;
                        }
                        if (kind == HourglassMlp.InputProjection.FIXED) {
                            assertFalse(w.requiresGradient());
                            assertFalse(w.getArray().hasGradient(), "W_in has no gradient");
                        } else {
                            assertTrue(w.getArray().hasGradient(), "a learned W_in has one");
                        }
                        trainer.step();
                    }
                    float[] after = w.getArray().toFloatArray();
                    if (kind == HourglassMlp.InputProjection.FIXED) {
                        assertArrayEquals(before, after, 0f, "the fixed W_in is unchanged");
                    } else {
                        assertFalse(java.util.Arrays.equals(before, after), "learned W_in moves");
                    }
                    Map<String, Parameter> now = NamedParameters.of(block);
                    for (Map.Entry<String, float[]> e : others.entrySet()) {
                        assertFalse(
                                java.util.Arrays.equals(
                                        e.getValue(),
                                        now.get(e.getKey()).getArray().toFloatArray()),
                                e.getKey() + " trains");
                    }
                    System.out.printf(
                            "hourglass (%s W_in): cross-entropy %.4f -> %.4f after 30 Adam steps%n",
                            kind.label(), first, last);
                    assertTrue(last < 0.5f * first, first + " -> " + last);
                }
            }
        }
    }

    /**
     * The fixed projection is saved with the weights: a model built with another seed gives the
     * same outputs once it loads them, so a reloaded model never redraws W_in.
     */
    @Test
    void theSavedProjectionIsReloadedNotRedrawn() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            HourglassMlp saved = hourglass(21);
            saved.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                saved.saveParameters(out);
            }
            HourglassMlp loaded = hourglass(99);
            loaded.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            NDArray x = m.randomNormal(new Shape(5, 12));
            float[] other =
                    loaded.forward(new ParameterStore(m, false), new NDList(x), false)
                            .head()
                            .toFloatArray();
            try (DataInputStream in =
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                loaded.loadParameters(m, in);
            }
            float[] want =
                    saved.forward(new ParameterStore(m, false), new NDList(x), false)
                            .head()
                            .toFloatArray();
            float[] got =
                    loaded.forward(new ParameterStore(m, false), new NDList(x), false)
                            .head()
                            .toFloatArray();
            assertFalse(java.util.Arrays.equals(want, other), "seed 99 alone differs");
            assertArrayEquals(want, got, 0f, "identical outputs after reloading");
            assertFalse(loaded.inputProjection().weight().requiresGradient(), "still frozen");
        }
    }

    @Test
    void impossibleShapesAndInputsAreNamed() {
        IllegalArgumentException wide =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new HourglassMlp(
                                        12,
                                        16,
                                        32,
                                        2,
                                        3,
                                        HourglassMlp.BlockShape.HOURGLASS,
                                        HourglassMlp.InputProjection.FIXED,
                                        0,
                                        true,
                                        ResidualMlpBlock.Act.GELU));
        assertTrue(
                wide.getMessage().contains("field 'd_h'")
                        && wide.getMessage().contains("bottleneck (d_h 32)"),
                wide.getMessage());
        IllegalArgumentException depth =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new HourglassMlp(
                                        12,
                                        16,
                                        4,
                                        0,
                                        3,
                                        HourglassMlp.BlockShape.HOURGLASS,
                                        HourglassMlp.InputProjection.FIXED,
                                        0,
                                        true,
                                        ResidualMlpBlock.Act.GELU));
        assertTrue(depth.getMessage().contains("field 'L'"), depth.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            HourglassMlp model = hourglass(0);
            IllegalArgumentException bad =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> model.checkInput(m.zeros(new Shape(2, 13))));
            assertTrue(bad.getMessage().contains("(batch, 12)"), bad.getMessage());
            NDArray nan = m.zeros(new Shape(2, 12));
            nan.set(new float[24]);
            nan.setScalar(new ai.djl.ndarray.index.NDIndex(0, 0), Float.NaN);
            IllegalArgumentException notFinite =
                    assertThrows(IllegalArgumentException.class, () -> model.checkInput(nan));
            assertNotNull(notFinite.getMessage());
            assertTrue(notFinite.getMessage().contains("HourglassMlp input"));
        }
    }
}
