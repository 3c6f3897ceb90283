package ai.mlpzoo.blocks.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.InputContract;
import ai.mlpzoo.blocks.common.NamedParameters;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

class MlpMixerTest {

    static MlpMixer build(String family, float dropPath) {
        LayerFactory layer;
        MlpMixer.Builder b =
                MlpMixer.builder()
                        .setImageSize(16)
                        .setPatchSize(4)
                        .setEmbedDim(24)
                        .setNumBlocks(3)
                        .optInChannels(2)
                        .optNumClasses(7)
                        .optDropRate(0.3f);
        switch (family) {
            case "mixer":
                layer = LayerFactory.mixer(0.5, 4.0, 0.2f, dropPath);
                break;
            case "resmlp":
                layer = LayerFactory.resmlp(4.0, 0.1, 0.2f, dropPath);
                b.optNorm(Norms.affineFactory());
                break;
            default:
                layer = LayerFactory.gmlp(6.0, 0.2f, dropPath);
        }
        return b.setLayer(layer).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mixer", "resmlp", "gmlp"})
    void shapesIntermediatesAndDeterministicInference(String family) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            MlpMixer model = build(family, 0.5f);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 2, 16, 16));
            NDArray x = m.randomNormal(new Shape(5, 2, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            NDList out = model.forward(ps, new NDList(x), false);
            assertEquals(new Shape(5, 7), out.get(0).getShape());
            assertEquals(new Shape(5, 24), out.get(1).getShape());
            assertEquals("output", out.get(0).getName());
            assertEquals("pre_logits", out.get(1).getName());
            // dropout and stochastic depth are inactive at inference: identical repeated outputs
            NDList again = model.forward(ps, new NDList(x), false);
            assertEquals(0f, out.get(1).sub(again.get(1)).abs().max().getFloat());
            // while training they act, so the features differ
            NDList trained = model.forward(ps, new NDList(x), true);
            assertTrue(trained.get(1).sub(out.get(1)).abs().max().getFloat() > 0f);

            NDList inter = model.forwardIntermediates(ps, x, false);
            assertEquals(4, inter.size());
            for (int i = 0; i < 3; i++) {
                assertEquals("blocks." + i, inter.get(i).getName());
                assertEquals(new Shape(5, 16, 24), inter.get(i).getShape());
            }
            // pooled features are the mean of the final normed tokens
            NDArray pooled = inter.get(3).mean(new int[] {1});
            assertTrue(pooled.sub(out.get(1)).abs().max().getFloat() < 1e-6f);
            NDArray viaHead = model.forwardHead(ps, pooled, false);
            assertTrue(viaHead.sub(out.get(0)).abs().max().getFloat() < 1e-6f);
        }
    }

    @Test
    void timmInitialisation() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = build("gmlp", 0f);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 2, 16, 16));
            Map<String, Parameter> p = NamedParameters.of(model);
            assertEquals(0f, p.get("head.weight").getArray().abs().sum().getFloat());
            assertEquals(0f, p.get("head.bias").getArray().abs().sum().getFloat());
            NDArray sguBias = p.get("blocks.0.mlp_channels.gate.proj.bias").getArray();
            assertEquals(1f, sguBias.min().getFloat());
            assertEquals(1f, sguBias.max().getFloat());
            assertTrue(p.get("blocks.0.mlp_channels.gate.proj.weight").getArray().abs().max().getFloat() < 1e-4f);
            // xavier uniform: |w| <= sqrt(6 / (fan_in + fan_out)), and close to it
            NDArray fc1 = p.get("blocks.0.mlp_channels.fc1.weight").getArray(); // (144, 24)
            float bound = (float) Math.sqrt(6.0 / (144 + 24));
            float max = fc1.abs().max().getFloat();
            assertTrue(max <= bound && max > 0.9f * bound, "max " + max + " bound " + bound);
            // lecun normal stem: std ~ sqrt(1 / fan_in), truncated at 2 std of the untruncated normal
            NDArray stem = p.get("stem.proj.weight").getArray(); // (24, 2, 4, 4), fan_in 32
            double std = Math.sqrt(stem.square().mean().getFloat());
            assertEquals(Math.sqrt(1.0 / 32), std, 0.03);
            assertEquals(1f, p.get("norm.weight").getArray().min().getFloat());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = build("resmlp", 0f);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 2, 16, 16));
            Map<String, Parameter> p = NamedParameters.of(model);
            assertEquals(0.1f, p.get("blocks.1.ls2").getArray().max().getFloat(), 1e-7f);
            assertEquals(new Shape(1, 1, 24), p.get("norm.alpha").getShape());
        }
    }

    @Test
    void resetClassifierChangesTheHeadOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = build("mixer", 0f);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 2, 16, 16));
            int before = NamedParameters.of(model).size();
            model.resetClassifier(3, m);
            assertEquals(3, model.getNumClasses());
            assertEquals(before, NamedParameters.of(model).size());
            assertEquals(new Shape(3, 24), NamedParameters.of(model).get("head.weight").getShape());
            NDList out =
                    model.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 2, 16, 16))), false);
            assertEquals(new Shape(2, 3), out.get(0).getShape());
        }
    }

    /** The input contract that the entry points (CLI, translators, service) check once per request. */
    @Test
    void badInputsAreRefusedWithAMessage() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = build("mixer", 0f);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 2, 16, 16));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> InputContract.check(model, m.zeros(new Shape(2, 3, 16, 16)), "input"));
            assertTrue(e.getMessage().contains("must have shape (batch, 2, 16, 16), got (2, 3, 16, 16)"), e.getMessage());
            NDArray nan = m.zeros(new Shape(1, 2, 16, 16));
            nan.set(new ai.djl.ndarray.index.NDIndex("0, 0, 3, 3"), Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> model.checkInput(nan));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            model.checkInput(m.zeros(new Shape(3, 2, 16, 16))); // any batch size passes
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> MlpMixer.builder().setImageSize(30).setPatchSize(4).setEmbedDim(8).setNumBlocks(1)
                                .setLayer(LayerFactory.mixer(0.5, 4, 0, 0)).build());
        assertTrue(e.getMessage().contains("img_size 30 is not divisible by patch_size 4"), e.getMessage());
    }
}
