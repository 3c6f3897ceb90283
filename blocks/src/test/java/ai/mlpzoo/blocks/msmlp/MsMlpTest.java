package ai.mlpzoo.blocks.msmlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MsMlpTest {

    private static MsMlp.Builder tiny() {
        return MsMlp.builder()
                .setImageSize(32)
                .setPatchSize(4)
                .setEmbedDim(24)
                .setDepths(1, 1, 2)
                .optNumClasses(10);
    }

    @Test
    void shapesNamesAndApi() {
        MsMlp model = tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            Map<String, ai.djl.nn.Parameter> p = NamedParameters.of(model);
            // the reference's keys and shapes
            assertEquals(new Shape(24, 3, 4, 4), p.get("patch_embed.proj.weight").getShape());
            assertEquals(new Shape(24), p.get("patch_embed.norm.weight").getShape());
            assertEquals(
                    new Shape(5, 1, 1, 1),
                    p.get("layers.0.blocks.0.dwconv_lr.0.weight").getShape());
            assertEquals(
                    new Shape(4, 1, 7, 7),
                    p.get("layers.0.blocks.0.dwconv_td.4.weight").getShape());
            assertEquals(new Shape(24), p.get("layers.0.blocks.0.gamma").getShape());
            assertEquals(new Shape(96, 24), p.get("layers.0.blocks.0.pwconv1.weight").getShape());
            assertEquals(
                    new Shape(48, 24, 2, 2), p.get("layers.0.downsample.proj.weight").getShape());
            assertEquals(
                    new Shape(16, 1, 3, 3),
                    p.get("layers.2.blocks.1.dwconv_td.4.weight").getShape());
            assertTrue(
                    !p.containsKey("layers.2.downsample.proj.weight"),
                    "no downsampling at the end");
            assertEquals(new Shape(96), p.get("norm.weight").getShape());
            assertEquals(new Shape(10, 96), p.get("head.weight").getShape());
            // counted independently with the reference's MS_MLP at these arguments (torch 1.13)
            assertEquals(203042, NamedParameters.count(model));

            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            NDList out = model.forward(ps, new NDList(x), false);
            assertEquals(new Shape(2, 10), out.get(0).getShape());
            assertEquals(new Shape(2, 96), out.get(1).getShape());
            assertEquals("output", out.get(0).getName());
            assertEquals("pre_logits", out.get(1).getName());
            assertEquals(new Shape(2, 96, 2, 2), model.forwardFeatures(ps, x, false).getShape());
            NDList inter = model.forwardIntermediates(ps, x, false);
            assertEquals(3, inter.size());
            assertEquals(new Shape(2, 24, 8, 8), inter.get(0).getShape());
            assertEquals(new Shape(2, 48, 4, 4), inter.get(1).getShape());
            assertEquals("layers.2", inter.get(2).getName());
            assertArrayEquals(
                    out.get(0).toFloatArray(),
                    model.forwardHead(ps, model.forwardPreLogits(ps, x, false), false)
                            .toFloatArray(),
                    1e-6f);

            model.resetClassifier(4, m);
            assertEquals(
                    new Shape(2, 4), model.forward(ps, new NDList(x), false).get(0).getShape());
            assertEquals(new Shape(4, 96), NamedParameters.of(model).get("head.weight").getShape());
        }
    }

    @Test
    void chunksAreTorchChunks() {
        assertArrayEquals(new int[] {5, 5, 5, 5, 4}, MixShiftBlock.chunkSizes(24, 5));
        assertArrayEquals(new int[] {20, 20, 20, 20, 16}, MixShiftBlock.chunkSizes(96, 5));
        // 16 channels in 5: chunks of 4, only four of them (the reference fails there)
        assertArrayEquals(new int[] {4, 4, 4, 4}, MixShiftBlock.chunkSizes(16, 5));
    }

    @Test
    void impossibleConfigsAreRefusedNamingTheField() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> tiny().setDepths().build());
        assertTrue(
                e.getMessage().contains("'depths' must list at least one stage"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().setImageSize(30).build());
        assertTrue(
                e.getMessage().contains("'patch_size' (4) does not divide field 'img_size' (30)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().setImageSize(24).build());
        assertTrue(
                e.getMessage().contains("feature map (img_size / patch_size = 6)")
                        && e.getMessage().contains("2^2"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().setEmbedDim(16).build());
        assertTrue(
                e.getMessage().contains("stage 0 has 16 channels")
                        && e.getMessage().contains("'shift_size' (5)"),
                e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                tiny().optMixSize(
                                                new int[][] {
                                                    {1, 1, 3, 5, 4},
                                                    {1, 1, 3, 5, 5},
                                                    {1, 1, 3, 3, 3}
                                                })
                                        .build());
        assertTrue(e.getMessage().contains("'mix_size' row 0 must hold odd"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().optShiftDist(1, 2).build());
        assertTrue(e.getMessage().contains("'shift_dist'"), e.getMessage());
    }

    @Test
    void wrongImageSizeIsNamed() {
        MsMlp model = tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> model.checkInput(m.zeros(new Shape(2, 3, 28, 28))));
            assertTrue(
                    e.getMessage().contains("MS-MLP input must have shape (batch, 3, 32, 32)")
                            && e.getMessage().contains("(2, 3, 28, 28)"),
                    e.getMessage());
        }
    }
}
