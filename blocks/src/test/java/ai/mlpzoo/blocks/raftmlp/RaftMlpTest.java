package ai.mlpzoo.blocks.raftmlp;

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
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RaftMlpTest {

    /** raft_mlp_tiny's arguments: emb_mixer, no shortcut. */
    static RaftMlp.Builder tiny() {
        return RaftMlp.builder()
                .setLevels(
                        List.of(
                                new RaftMlp.Level(1, 32, 4, 2, null),
                                new RaftMlp.Level(1, 48, 2, 4, null)))
                .setImageSize(32)
                .optNumClasses(10)
                .optShortcut(false);
    }

    /** raft_mlp_cross_tiny's arguments: emb_cross_mlp, shortcut heads. */
    static RaftMlp.Builder crossTiny() {
        return RaftMlp.builder()
                .setLevels(
                        List.of(
                                new RaftMlp.Level(1, 24, 4, 2, new int[] {4, 8}),
                                new RaftMlp.Level(2, 32, 2, 4, new int[] {2, 4})))
                .setImageSize(32)
                .optNumClasses(10)
                .optCrossScaleEmbedding(true)
                .optShortcut(true);
    }

    @Test
    void namesShapesAndCountsAreTheReferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            RaftMlp model = tiny().build();
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            Map<String, Parameter> p = NamedParameters.of(model);
            assertEquals(new Shape(32, 48), p.get("levels.0.fn.1.weight").getShape());
            assertEquals(new Shape(32, 16), p.get("levels.1.fn.2.1.fn.0.weight").getShape());
            assertEquals(new Shape(48), p.get("levels.1.fn.2.3.norm.1.weight").getShape());
            assertEquals(new Shape(192, 48), p.get("levels.1.fn.2.5.fn.0.weight").getShape());
            assertEquals(new Shape(48), p.get("heads.0.1.weight").getShape());
            assertEquals(new Shape(10, 48), p.get("classifier.weight").getShape());
            // the reference RaftMLP's own count at these arguments (torch 1.13)
            assertEquals(40138, NamedParameters.count(model));

            RaftMlp cross = crossTiny().build();
            cross.initialize(m, DataType.FLOAT32, cross.getInputShape());
            Map<String, Parameter> q = NamedParameters.of(cross);
            assertEquals(new Shape(24, 240), q.get("levels.0.fn.0.fc.weight").getShape());
            assertEquals(new Shape(64, 24), q.get("heads.0.4.weight").getShape());
            assertEquals(new Shape(32), q.get("levels.1.fn.3.5.norm.weight").getShape());
            assertEquals(51610, NamedParameters.count(cross));

            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            for (RaftMlp model2 : new RaftMlp[] {model, cross}) {
                NDList out = model2.forward(ps, new NDList(x), false);
                assertEquals(new Shape(2, 10), out.get(0).getShape());
                assertEquals(new Shape(2, model2.getLastDim()), out.get(1).getShape());
                NDList levels = model2.forwardIntermediates(ps, x, false);
                assertEquals("levels.1", levels.get(1).getName());
                assertEquals(
                        new Shape(2, model2.getLastDim(), 4, 4),
                        model2.forwardFeatures(ps, x, false).getShape());
                assertArrayEquals(
                        out.get(0).toFloatArray(),
                        model2.forwardHead(ps, model2.forwardPreLogits(ps, x, false), false)
                                .toFloatArray(),
                        1e-6f);
            }
            cross.resetClassifier(3, m);
            assertEquals(
                    new Shape(2, 3), cross.forward(ps, new NDList(x), false).get(0).getShape());
            assertEquals(
                    new Shape(3, 32),
                    NamedParameters.of(cross).get("classifier.weight").getShape());
        }
    }

    @Test
    void rafterLayoutIsTheEinopsPattern() {
        // with every MLP zeroed the block must be the identity: the rearranges between the
        // mixers (vertical, horizontal, back to tokens) are inverse permutations of each other
        try (NDManager m = NDManager.newBaseManager()) {
            RaftSubBlock blk = new RaftSubBlock(4, 2, 2, 2, 2, 4, 0f, 0f);
            blk.initialize(m, DataType.FLOAT32, new Shape(1, 4, 4));
            for (Map.Entry<String, Parameter> p : NamedParameters.of(blk).entrySet()) {
                if (p.getKey().contains("fn.")) {
                    p.getValue().getArray().muli(0);
                }
            }
            NDArray x = m.arange(16f).reshape(1, 4, 4);
            NDArray y = blk.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertArrayEquals(x.toFloatArray(), y.toFloatArray(), 0f);
        }
    }

    @Test
    void impossibleConfigsAreRefusedNamingTheField() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> tiny().setLevels(List.of()).build());
        assertTrue(
                e.getMessage().contains("'layers' must list at least one level"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                tiny().setLevels(List.of(new RaftMlp.Level(1, 30, 4, 4, null)))
                                        .build());
        assertTrue(
                e.getMessage()
                        .contains(
                                "field 'layers[0].raft_size' (4) does not divide field 'layers[0].dim' (30)"),
                e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                tiny().setLevels(
                                                List.of(
                                                        new RaftMlp.Level(1, 32, 4, 2, null),
                                                        new RaftMlp.Level(1, 48, 3, 4, null)))
                                        .build());
        assertTrue(
                e.getMessage().contains("'layers[1].patch_size' (3) does not divide level 1's 8x8"),
                e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                crossTiny()
                                        .setLevels(
                                                List.of(
                                                        new RaftMlp.Level(
                                                                1, 24, 4, 2, new int[] {8, 4})))
                                        .build());
        assertTrue(e.getMessage().contains("'layers[0].embedding_kernels' [8, 4]"), e.getMessage());
    }

    @Test
    void wrongImageSizeIsNamed() {
        RaftMlp model = tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> model.checkInput(m.zeros(new Shape(1, 3, 64, 64))));
            assertTrue(
                    e.getMessage().contains("RaftMLP input must have shape (batch, 3, 32, 32)"),
                    e.getMessage());
        }
    }
}
