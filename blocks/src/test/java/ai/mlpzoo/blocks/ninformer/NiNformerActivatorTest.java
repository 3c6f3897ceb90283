package ai.mlpzoo.blocks.ninformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.activator.Activator;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.common.PooledClassifier;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NiNformer and Activator at the fixtures' sizes (32x32x3, patch 4, d_model 32, d_ffn 64, 2
 * blocks): the reference's state-dict keys and shapes through {@code referenceKey}, parameter
 * counts of the reference modules, the uniform classifier API, and impossible sizes named.
 */
class NiNformerActivatorTest {

    private static NiNformer ninformer() {
        return new NiNformer(32, 4, 3, 10, 32, 64, 64, 2, 0.5f);
    }

    private static Activator activator() {
        return new Activator(32, 4, 3, 10, 32, 64, 2, 0.5f);
    }

    /** Our names mapped to the reference's keys, with their shapes. */
    private static Map<String, Shape> referenceKeys(
            PooledClassifier model, java.util.function.UnaryOperator<String> key) {
        return NamedParameters.of(model).entrySet().stream()
                .collect(
                        Collectors.toMap(e -> key.apply(e.getKey()), e -> e.getValue().getShape()));
    }

    @Test
    void ninformerHasTheReferenceKeysAndShapes() {
        NiNformer model = ninformer();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            Map<String, Shape> keys = referenceKeys(model, NiNformer::referenceKey);
            // the keys of the reference's state_dict() at these arguments (ninformer_tiny)
            String p = "model.1.mgu.Mixer.";
            assertEquals(new Shape(32, 3, 4, 4), keys.get("patcher.weight"));
            assertEquals(new Shape(32), keys.get("model.0.norm.weight"));
            assertEquals(new Shape(32, 32), keys.get("model.0.mgu.proj.weight"));
            assertEquals(new Shape(32), keys.get(p + "token_mix.0.bias"));
            assertEquals(new Shape(64, 64), keys.get(p + "token_mix.2.net.0.weight"));
            assertEquals(new Shape(64, 64), keys.get(p + "token_mix.2.net.3.weight"));
            assertEquals(new Shape(64), keys.get(p + "token_mix.2.net.3.bias"));
            assertEquals(new Shape(32), keys.get(p + "channel_mix.0.weight"));
            assertEquals(new Shape(64, 32), keys.get(p + "channel_mix.1.net.0.weight"));
            assertEquals(new Shape(32, 64), keys.get(p + "channel_mix.1.net.3.weight"));
            assertEquals(new Shape(64, 32), keys.get("model.1.ffn.net.0.weight"));
            assertEquals(new Shape(10, 32), keys.get("classifier.weight"));
            assertEquals(2 + 2 * 20 + 2, keys.size(), new TreeSet<>(keys.keySet()).toString());
            // sum(p.numel() for p in NiNformerImageClassification(32, 4, 3, 10, 32, 64, 64, 2)
            // .parameters()) with the reference's classes (torch 1.13)
            assertEquals(37802, NamedParameters.count(model));
            checkApi(m, model, 32);
        }
    }

    @Test
    void activatorHasTheReferenceKeysAndShapes() {
        Activator model = activator();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            Map<String, Shape> keys = referenceKeys(model, Activator::referenceKey);
            assertEquals(new Shape(32, 3, 4, 4), keys.get("patcher.weight"));
            assertEquals(new Shape(64, 32), keys.get("model.0.actgu.proj_1.weight"));
            assertEquals(new Shape(64, 32), keys.get("model.0.actgu.proj_2.weight"));
            assertEquals(new Shape(32, 64), keys.get("model.0.actgu.proj_3.weight"));
            assertEquals(new Shape(64), keys.get("model.0.actgu.norm.weight"));
            assertEquals(new Shape(32), keys.get("model.1.norm.bias"));
            assertEquals(new Shape(64, 32), keys.get("model.1.ffn.net.0.weight"));
            assertEquals(new Shape(32, 64), keys.get("model.1.ffn.net.3.weight"));
            assertEquals(new Shape(10), keys.get("classifier.bias"));
            assertEquals(2 + 2 * 14 + 2, keys.size(), new TreeSet<>(keys.keySet()).toString());
            // sum(p.numel() ...) of the reference's ACTIVATORImageClassification here
            assertEquals(23274, NamedParameters.count(model));
            checkApi(m, model, 32);
        }
    }

    /** forward, the parts of the uniform API, intermediates and a new head agree. */
    private static void checkApi(NDManager m, PooledClassifier model, int dModel) {
        ParameterStore ps = new ParameterStore(m, false);
        NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
        NDList out = model.forward(ps, new NDList(x), false);
        assertEquals(new Shape(2, 10), out.get(0).getShape());
        assertEquals(new Shape(2, dModel), out.get(1).getShape());
        assertEquals("output", out.get(0).getName());
        assertEquals("pre_logits", out.get(1).getName());
        NDArray features = model.forwardFeatures(ps, x, false);
        assertEquals(new Shape(2, 64, dModel), features.getShape());
        // pre_logits is the mean of the last tokens, which the head turns into the logits
        assertArrayEquals(
                out.get(1).toFloatArray(), features.mean(new int[] {1}).toFloatArray(), 1e-6f);
        assertArrayEquals(
                out.get(0).toFloatArray(),
                model.forwardHead(ps, model.forwardPreLogits(ps, x, false), false).toFloatArray(),
                1e-6f);
        NDList inter = model.forwardIntermediates(ps, x, false);
        assertEquals(2, inter.size());
        assertEquals("model.1", inter.get(1).getName());
        assertArrayEquals(features.toFloatArray(), inter.get(1).toFloatArray(), 1e-6f);
        // eval mode ignores dropout: two runs agree exactly
        assertArrayEquals(
                out.get(0).toFloatArray(),
                model.forward(ps, new NDList(x), false).get(0).toFloatArray(),
                0f);
        model.resetClassifier(4, m);
        assertEquals(new Shape(2, 4), model.forward(ps, new NDList(x), false).get(0).getShape());
        Parameter w = NamedParameters.of(model).get("classifier.weight");
        assertEquals(new Shape(4, dModel), w.getShape());
        assertThrows(
                IllegalArgumentException.class,
                () -> model.checkInput(m.zeros(new Shape(2, 3, 28, 28))));
    }

    @Test
    void impossibleSizesAreNamed() {
        IllegalArgumentException seq =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new NiNformer(32, 4, 3, 10, 32, 64, 49, 2, 0.5f));
        assertTrue(
                seq.getMessage().contains("field 'seq_len' (49)")
                        && seq.getMessage().contains("= 64"),
                seq.getMessage());
        IllegalArgumentException patch =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new NiNformer(30, 4, 3, 10, 32, 64, 49, 2, 0.5f));
        assertTrue(
                patch.getMessage().contains("'patch_size' (4) does not divide field 'image_size'"),
                patch.getMessage());
        IllegalArgumentException act =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new Activator(30, 4, 3, 10, 32, 64, 2, 0.5f));
        assertTrue(act.getMessage().contains("field 'image_size' (30)"), act.getMessage());
        IllegalArgumentException drop =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new Activator(32, 4, 3, 10, 32, 64, 2, 1.5f));
        assertTrue(drop.getMessage().contains("'dropout'"), drop.getMessage());
        IllegalArgumentException width =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new NiNformer(32, 4, 3, 10, 0, 64, 64, 2, 0.5f));
        assertTrue(width.getMessage().contains("'d_model'"), width.getMessage());
    }

    /**
     * Both train: plain SGD on one fixed batch, dropout active, lowers the cross-entropy (the
     * training path through the shared norms, the gates and the reused Mixer parts).
     */
    @ParameterizedTest
    @ValueSource(strings = {"ninformer", "activator"})
    void sgdLowersTheLoss(String family) {
        Supplier<PooledClassifier> factory =
                family.equals("ninformer")
                        ? () -> new NiNformer(16, 4, 1, 4, 16, 24, 16, 2, 0.1f)
                        : () -> new Activator(16, 4, 1, 4, 16, 24, 2, 0.1f);
        PooledClassifier model = factory.get();
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            NDArray x = m.randomNormal(new Shape(8, 1, 16, 16));
            NDArray labels = m.create(new int[] {0, 1, 2, 3, 0, 1, 2, 3}).reshape(8, 1);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 30; step++) {
                try (NDManager sub = m.newSubManager();
                        GradientCollector gc = m.getEngine().newGradientCollector()) {
                    NDArray logits =
                            model.forward(new ParameterStore(sub, false), new NDList(x), true)
                                    .head(); // (8, 4)
                    NDArray loss =
                            logits.logSoftmax(1)
                                    .get(
                                            new ai.djl.ndarray.index.NDIndex()
                                                    .addAllDim()
                                                    .addPickDim(labels))
                                    .neg()
                                    .mean();
                    last = loss.getFloat();
                    if (step == 0) {
                        first = last;
                    }
                    gc.backward(loss);
                }
                for (Parameter p : NamedParameters.of(model).values()) {
                    NDArray a = p.getArray();
                    a.subi(a.getGradient().mul(0.05f));
                }
            }
            System.out.printf(
                    "%s: cross-entropy %.4f -> %.4f after 30 SGD steps%n", family, first, last);
            assertTrue(
                    Float.isFinite(last) && last < 0.7f * first,
                    family + ": " + first + " -> " + last);
        }
    }
}
