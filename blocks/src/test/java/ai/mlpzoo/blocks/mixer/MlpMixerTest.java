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
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.InputContract;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.kan.BaseActivation;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MlpMixerTest {

    /** A child by its name, without DJL's position prefix. */
    static ai.djl.nn.Block child(ai.djl.nn.Block parent, String name) {
        ai.djl.util.PairList<String, ai.djl.nn.Block> children = parent.getChildren();
        for (int i = 0; i < children.size(); i++) {
            if (NamedParameters.childName(children.keyAt(i), i + 1).equals(name)) {
                return children.valueAt(i);
            }
        }
        throw new AssertionError(name + " is not a child of " + parent.getClass().getSimpleName());
    }

    static MlpMixer build(String family, float dropPath) {
        MixerFamily f;
        double[] ratio;
        switch (family) {
            case "mixer":
                f = MixerFamily.MIXER;
                ratio = new double[] {0.5, 4.0};
                break;
            case "resmlp":
                f = MixerFamily.RESMLP;
                ratio = new double[] {4.0};
                break;
            default:
                f = MixerFamily.GMLP;
                ratio = new double[] {6.0};
        }
        return MlpMixer.builder()
                .setImageSize(16)
                .setPatchSize(4)
                .setEmbedDim(24)
                .setNumBlocks(3)
                .setFamily(f)
                .optMlpRatio(ratio)
                .optInChannels(2)
                .optNumClasses(7)
                .optDropRate(0.3f)
                .optProjDropRate(0.2f)
                .optDropPathRate(dropPath)
                .optInitValues(0.1)
                .build();
    }

    /**
     * Inference frees each layer's intermediates when the layer returns (issue 14, item 5): the
     * arrays a forward leaves behind do not grow with the depth, and the outputs equal those of a
     * forward that keeps everything (a hook listener attached turns the freeing off).
     */
    @ParameterizedTest
    @ValueSource(strings = {"mixer", "resmlp", "gmlp"})
    void inferenceFreesEachLayersIntermediates(String family) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            int[] left = new int[2];
            int[] depths = {2, 8};
            for (int d = 0; d < depths.length; d++) {
                MlpMixer model =
                        MlpMixer.builder()
                                .setImageSize(16)
                                .setPatchSize(4)
                                .setEmbedDim(24)
                                .setNumBlocks(depths[d])
                                .setFamily(build(family, 0f).getFamily())
                                .optInChannels(2)
                                .optNumClasses(7)
                                .build();
                model.initialize(m, DataType.FLOAT32, new Shape(1, 2, 16, 16));
                NDArray x = m.randomNormal(new Shape(5, 2, 16, 16));
                NDList freed;
                try (NDManager sub = m.newSubManager()) {
                    NDArray in = x.duplicate();
                    in.attach(sub);
                    freed = model.forward(new ParameterStore(sub, false), new NDList(in), false);
                    left[d] = sub.getManagedArrays().size();
                    freed.attach(m);
                }
                HookPoint any = model.hookPoints().get(0);
                HookPoint.Listener observe = (i, o) -> o;
                any.attach(observe);
                NDList kept;
                try (NDManager sub = m.newSubManager()) {
                    NDArray in = x.duplicate();
                    in.attach(sub);
                    kept = model.forward(new ParameterStore(sub, false), new NDList(in), false);
                    int all = sub.getManagedArrays().size();
                    assertTrue(
                            all > left[d] + depths[d],
                            family + ": a forward with a listener keeps " + all + " arrays");
                    kept.attach(m);
                } finally {
                    any.detach(observe);
                }
                for (int i = 0; i < 2; i++) {
                    assertEquals(0f, freed.get(i).sub(kept.get(i)).abs().max().getFloat(), 0f);
                }
            }
            System.out.printf(
                    "%s: arrays left by an inference forward: %d at depth 2, %d at depth 8%n",
                    family, left[0], left[1]);
            assertEquals(left[0], left[1], family + ": arrays left grow with the depth");
        }
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
            assertTrue(
                    p.get("blocks.0.mlp_channels.gate.proj.weight")
                                    .getArray()
                                    .abs()
                                    .max()
                                    .getFloat()
                            < 1e-4f);
            // xavier uniform: |w| <= sqrt(6 / (fan_in + fan_out)), and close to it
            NDArray fc1 = p.get("blocks.0.mlp_channels.fc1.weight").getArray(); // (144, 24)
            float bound = (float) Math.sqrt(6.0 / (144 + 24));
            float max = fc1.abs().max().getFloat();
            assertTrue(max <= bound && max > 0.9f * bound, "max " + max + " bound " + bound);
            // lecun normal stem: std ~ sqrt(1 / fan_in), truncated at 2 std of the untruncated
            // normal
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
                    model.forward(
                            new ParameterStore(m, false),
                            new NDList(m.ones(new Shape(2, 2, 16, 16))),
                            false);
            assertEquals(new Shape(2, 3), out.get(0).getShape());
        }
    }

    /**
     * The input contract that the entry points (CLI, translators, service) check once per request.
     */
    @Test
    void badInputsAreRefusedWithAMessage() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = build("mixer", 0f);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 2, 16, 16));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    InputContract.check(
                                            model, m.zeros(new Shape(2, 3, 16, 16)), "input"));
            assertTrue(
                    e.getMessage()
                            .contains("must have shape (batch, 2, 16, 16), got (2, 3, 16, 16)"),
                    e.getMessage());
            NDArray nan = m.zeros(new Shape(1, 2, 16, 16));
            nan.set(new ai.djl.ndarray.index.NDIndex("0, 0, 3, 3"), Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> model.checkInput(nan));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            model.checkInput(m.zeros(new Shape(3, 2, 16, 16))); // any batch size passes
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                MlpMixer.builder()
                                        .setImageSize(30)
                                        .setPatchSize(4)
                                        .setEmbedDim(8)
                                        .setNumBlocks(1)
                                        .setFamily(MixerFamily.MIXER)
                                        .build());
        // one rule, one message: the builder's is the config's, naming both fields
        assertTrue(
                e.getMessage()
                        .contains("field 'patch_size' (4) does not divide field 'img_size' (30)"),
                e.getMessage());
    }

    /**
     * The ResMLP trap: choosing ResMLP used to need the layer and the final norm set apart, and
     * forgetting the norm silently gave a LayerNorm. One family value now sets both.
     */
    @Test
    void resmlpFamilyAloneGivesAffineNormsEverywhere() {
        MlpMixer model =
                MlpMixer.builder()
                        .setImageSize(16)
                        .setPatchSize(4)
                        .setEmbedDim(24)
                        .setNumBlocks(2)
                        .setFamily(MixerFamily.RESMLP)
                        .build();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
            Map<String, Parameter> p = NamedParameters.of(model);
            assertTrue(
                    p.containsKey("norm.alpha") && p.containsKey("norm.beta"),
                    p.keySet().toString());
            assertTrue(
                    p.keySet().stream()
                            .noneMatch(
                                    k ->
                                            k.startsWith("norm.")
                                                    && !k.matches("norm\\.(alpha|beta)")),
                    "no LayerNorm parameters in the final norm: " + p.keySet());
            assertTrue(
                    p.containsKey("blocks.1.norm1.alpha") && p.containsKey("blocks.1.norm2.alpha"));
            assertEquals(
                    new Shape(96, 24),
                    p.get("blocks.0.mlp_channels.fc1.weight").getShape(),
                    "ResMLP's ratio 4");
            assertEquals(
                    1e-4f,
                    p.get("blocks.0.ls1").getArray().max().getFloat(),
                    1e-10f,
                    "timm's init_values");
        }
        assertTrue(model.getLayers().stream().allMatch(l -> l instanceof ResBlock));
        assertEquals(Affine.class, child(model, "norm").getClass());
    }

    @Test
    void aReplacedPartKeepsTheRestOfTheFamily() {
        // a ResMLP with SiLU MLPs: the norms stay Affine, the layers ResBlocks
        MlpMixer model =
                MlpMixer.builder()
                        .setImageSize(8)
                        .setPatchSize(4)
                        .setEmbedDim(8)
                        .setNumBlocks(1)
                        .setFamily(MixerFamily.RESMLP.withActLayer(BaseActivation.SILU))
                        .build();
        ResBlock layer = (ResBlock) model.getLayers().get(0);
        assertEquals(BaseActivation.SILU, ((Mlp) child(layer, "mlp_channels")).getActivation());
        assertEquals(Affine.class, child(layer, "norm1").getClass());
        assertEquals(Affine.class, child(model, "norm").getClass());
        assertEquals(
                BaseActivation.GELU,
                MixerFamily.RESMLP.actLayer(),
                "the named family is unchanged");
        // a LayerNorm ResMLP must be asked for, and then applies to every norm
        MlpMixer ln =
                MlpMixer.builder()
                        .setImageSize(8)
                        .setPatchSize(4)
                        .setEmbedDim(8)
                        .setNumBlocks(1)
                        .setFamily(MixerFamily.RESMLP.withNormLayer(NormLayer.layerNorm(1e-6)))
                        .build();
        // our LayerNorm over the channel axis (DJL's, with its epsilon readable by the exporters)
        assertEquals(ai.mlpzoo.blocks.common.ChannelLayerNorm.class, child(ln, "norm").getClass());
        assertEquals(
                ai.mlpzoo.blocks.common.ChannelLayerNorm.class,
                child(ln.getLayers().get(0), "norm1").getClass());
    }

    @Test
    void eachLayerChecksItsOwnArguments() {
        MlpMixer.Builder b =
                MlpMixer.builder().setImageSize(8).setPatchSize(4).setEmbedDim(9).setNumBlocks(1);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> b.setFamily(MixerFamily.MIXER).optMlpRatio(4).build());
        assertTrue(
                e.getMessage().contains("field 'mlp_ratio' must hold 2 number(s) for block mixer"),
                e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> b.setFamily(MixerFamily.GMLP).optMlpRatio(1).build());
        assertTrue(e.getMessage().contains("must be even"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> b.setFamily(MixerFamily.GMLP).optMlpRatio(0.01).build());
        assertTrue(e.getMessage().contains("leaves an MLP of width 0"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                MlpMixer.builder()
                                        .setImageSize(8)
                                        .setPatchSize(4)
                                        .setEmbedDim(8)
                                        .setNumBlocks(1)
                                        .build());
        assertTrue(e.getMessage().contains("family is required"), e.getMessage());
    }
}
