package ai.mlpzoo.blocks.stripmlp;

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
import ai.mlpzoo.blocks.common.BatchNorm2d;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StripMlpTest {

    /** strip_mlp_tiny's arguments. */
    static StripMlp.Builder tiny() {
        return StripMlp.builder()
                .setImageSize(32)
                .setPatchSize(2)
                .setEmbedDim(20)
                .setLayers(1, 1, 1, 1)
                .optNumClasses(10);
    }

    @Test
    void namesShapesCountAndApi() {
        try (NDManager m = NDManager.newBaseManager()) {
            StripMlp model = tiny().build();
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            Map<String, Parameter> p = NamedParameters.of(model);
            String s = "blocks1.0.token_mixing.smlp_block.";
            // Cg = 20 * 0.5 / 4 = 2 at 16x16: proj_h is Conv2d(32, 32, (1, 3), groups 2)
            assertEquals(new Shape(32, 16, 1, 3), p.get(s + "proj_h.weight").getShape());
            assertEquals(new Shape(33, 10), p.get(s + "relate_pos_h.embeddings_table").getShape());
            assertEquals(new Shape(30, 5, 1, 1), p.get(s + "reweight.fc2.weight").getShape());
            assertEquals(new Shape(20), p.get(s + "mlp.1.running_var").getShape());
            assertEquals(
                    new Shape(20, 1, 3, 3),
                    p.get("blocks1.0.token_mixing.dwsc.conv_merge.Conv.weight").getShape());
            assertEquals(
                    new Shape(1, 1, 1, 480),
                    p.get("blocks4.0.channel_mixing.grn.gamma").getShape());
            assertEquals(new Shape(80, 1, 2, 2), p.get("conv_s1_28.weight").getShape());
            assertEquals(new Shape(160), p.get("norm.running_mean").getShape());
            assertEquals(new Shape(10, 160), p.get("head.weight").getShape());
            // PyTorch's parameters() of the reference at these arguments (buffers excluded)
            long count =
                    p.values().stream()
                            .filter(q -> !BatchNorm2d.isBuffer(q))
                            .mapToLong(q -> q.getShape().size())
                            .sum();
            assertEquals(434791, count);

            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            NDList out = model.forward(ps, new NDList(x), false);
            assertEquals(new Shape(2, 10), out.get(0).getShape());
            assertEquals(new Shape(2, 160), out.get(1).getShape());
            NDList inter = model.forwardIntermediates(ps, x, false);
            assertEquals(new Shape(2, 20, 16, 16), inter.get(0).getShape());
            assertEquals("blocks4", inter.get(3).getName());
            assertEquals(new Shape(2, 160, 2, 2), model.forwardFeatures(ps, x, false).getShape());
            assertArrayEquals(
                    out.get(0).toFloatArray(),
                    model.forwardHead(ps, model.forwardPreLogits(ps, x, false), false)
                            .toFloatArray(),
                    1e-6f);
            model.resetClassifier(2, m);
            assertEquals(
                    new Shape(2, 2), model.forward(ps, new NDList(x), false).get(0).getShape());
        }
    }

    @Test
    void positionRowsAreTheRelativeDistance() {
        // pos[c, i, j] = table[j - i + H, c]
        assertArrayEquals(new long[] {2, 3, 1, 2}, StripMixing.positionRows(2));
        assertEquals(2, StripMixing.groups(20));
        assertEquals(20, StripMixing.groups(80));
        assertEquals(4, StripMixing.groups(36));
        // the same rows as a one-hot matrix of 2H + 1 = 5 columns
        assertArrayEquals(
                new float[] {
                    0, 0, 1, 0, 0, //
                    0, 0, 0, 1, 0, //
                    0, 1, 0, 0, 0, //
                    0, 0, 1, 0, 0
                },
                StripMixing.positionOneHot(2));
    }

    @Test
    void impossibleConfigsAreRefusedNamingTheField() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> tiny().setLayers().build());
        assertTrue(
                e.getMessage().contains("'layers' must list the blocks of the four stages"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().setLayers(1, 1).build());
        assertTrue(e.getMessage().contains("exactly four stages"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().setEmbedDim(36).build());
        assertTrue(
                e.getMessage().contains("stage 0 has 36 channels")
                        && e.getMessage().contains("strip groups of 4 channels")
                        && e.getMessage().contains("do not divide its 18 strip channels"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().setImageSize(14).build());
        assertTrue(
                e.getMessage()
                        .contains("feature map (img_size / patch_size = 7) must be at least 8"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().optAlpha(4).build());
        assertTrue(e.getMessage().contains("'alpha' must be 3"), e.getMessage());
    }

    @Test
    void wrongImageSizeIsNamed() {
        StripMlp model = tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> model.checkInput(m.zeros(new Shape(1, 3, 32, 16))));
            assertTrue(
                    e.getMessage().contains("Strip-MLP input must have shape (batch, 3, 32, 32)"),
                    e.getMessage());
        }
    }

    @Test
    void gradientsAreFiniteAtTheFashionMnistShape() {
        // 28 x 28 at patch 2: the last stage is 1 x 1, where GRN's norm over (H, W) is |u| and a
        // zero u (a blank pixel of a freshly initialised block) must not give a NaN gradient
        try (NDManager m = NDManager.newBaseManager()) {
            StripMlp model =
                    StripMlp.builder()
                            .setImageSize(28)
                            .setPatchSize(2)
                            .setEmbedDim(32)
                            .setLayers(1, 1, 3, 1)
                            .optInChannels(1)
                            .optNumClasses(10)
                            .build();
            model.initialize(m, DataType.FLOAT32, new Shape(8, 1, 28, 28));
            m.getEngine().setRandomSeed(7);
            // half the batch blank (Fashion-MNIST's normalised background), half noise
            NDArray x =
                    m.full(new Shape(4, 1, 28, 28), -0.81f)
                            .concat(m.randomNormal(new Shape(4, 1, 28, 28)), 0);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray logits =
                        model.forward(new ParameterStore(m, false), new NDList(x), true).head();
                gc.backward(logits.logSoftmax(1).get(":, 0").sum().neg());
            }
            for (Map.Entry<String, Parameter> e : NamedParameters.of(model).entrySet()) {
                Parameter q = e.getValue();
                if (!q.requiresGradient()) {
                    continue;
                }
                NDArray g = q.getArray().getGradient();
                assertTrue(
                        g.isNaN().logicalOr(g.isInfinite()).none().getBoolean(),
                        e.getKey() + " has a non-finite gradient");
            }
        }
    }

    @Test
    void grnNormHasAFiniteGradientWhereUIsZeroOrUnderflows() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (N 1, H 1, W 1, F 3): one ordinary value, an exact zero, one whose square underflows
            NDArray u = m.create(new float[] {0.5f, 0f, 1e-30f}, new Shape(1, 1, 1, 3));
            u.setRequiresGradient(true);
            NDArray g;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                g = StripBlock.spatialNorm(u);
                gc.backward(g.sum());
            }
            float[] grad = u.getGradient().toFloatArray();
            // d|u|/du: 1 for 0.5, and 0 where torch.norm's backward masks a zero norm
            assertArrayEquals(new float[] {1f, 0f, 0f}, grad, 1e-6f);
            assertEquals(0.5f, g.toFloatArray()[0], 1e-7f);
            assertTrue(g.toFloatArray()[1] < 1.2e-19f);
        }
    }
}
