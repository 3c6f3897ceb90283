package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.metaformer.MetaFormer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** timm's PoolFormer v1 and v2 variants: parameter counts equal to timm's, bad configs named. */
class PoolFormerVariantsTest {

    /**
     * Exact counts from timm's metaformer.py definitions (1000 classes; timm reports 11.9M, 21.4M,
     * 30.9M, 56.2M, 73.5M for v1 and 11.9M, 21.3M, 30.8M, 56.1M, 73.4M for v2). Per block v1: two
     * GroupNorm1 (2C each), fc1 and fc2 with biases (8C^2 + 5C), two layer scales (C each); v2: two
     * norms without bias (C each), no MLP biases, StarReLU's 2 scalars, res scales (2C) in stages 2
     * and 3; v2 adds LayerNorm2dNoBias weights to the stem and before every downsampling conv.
     */
    @ParameterizedTest
    @CsvSource({
        "poolformer_s12, 11915176",
        "poolformer_s24, 21388968",
        "poolformer_s36, 30862760",
        "poolformer_m36, 56172520",
        "poolformer_m48, 73473448",
        "poolformerv2_s12, 11891712",
        "poolformerv2_s24, 21341464",
        "poolformerv2_s36, 30791216",
        "poolformerv2_m36, 56077168",
        "poolformerv2_m48, 73346056",
        "poolformer_fmnist, 354874"
    })
    void parameterCountsEqualTimm(String name, long expected) {
        MetaFormerConfig config = (MetaFormerConfig) Configs.variant(name);
        assertEquals(name, config.name);
        try (NDManager manager = NDManager.newBaseManager()) {
            MetaFormer block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            assertEquals(expected, NamedParameters.count(block), name);
        }
    }

    @Test
    void v1AndV2KeysAreTimms() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MetaFormerConfig v1 = (MetaFormerConfig) Configs.variant("poolformer_s12");
            MetaFormer b1 = v1.toBlock();
            b1.initialize(manager, DataType.FLOAT32, v1.inputShape());
            var p1 = NamedParameters.of(b1);
            assertTrue(p1.containsKey("stages.0.blocks.0.layer_scale1.scale"));
            assertTrue(p1.containsKey("stages.1.downsample.conv.weight"));
            assertTrue(p1.containsKey("stages.2.blocks.5.mlp.fc2.bias"));
            assertTrue(p1.containsKey("head.fc.weight") && p1.containsKey("head.norm.bias"));
            assertNull(p1.get("stem.norm.weight"), "v1 has no stem norm");
            assertNull(p1.get("stages.0.downsample.conv.weight"), "stage 0 keeps the stem width");

            MetaFormerConfig v2 = (MetaFormerConfig) Configs.variant("poolformerv2_s12");
            MetaFormer b2 = v2.toBlock();
            b2.initialize(manager, DataType.FLOAT32, v2.inputShape());
            var p2 = NamedParameters.of(b2);
            assertTrue(p2.containsKey("stem.norm.weight") && !p2.containsKey("stem.norm.bias"));
            assertTrue(p2.containsKey("stages.1.downsample.norm.weight"));
            assertTrue(p2.containsKey("stages.2.blocks.0.res_scale1.scale"));
            assertTrue(!p2.containsKey("stages.1.blocks.0.res_scale1.scale"));
            assertTrue(p2.containsKey("stages.0.blocks.0.mlp.act.scale"));
            assertTrue(!p2.containsKey("stages.0.blocks.0.mlp.fc1.bias"));
            assertTrue(!p2.containsKey("stages.0.blocks.0.norm1.bias"));
            assertEquals(1f, p2.get("stages.3.blocks.0.res_scale2.scale").getArray().getFloat(0));
        }
    }

    @Test
    void impossibleConfigsAreNamed() {
        assertMessage("\"depths\": [], \"dims\": []", "'depths' must hold at least one stage");
        assertMessage("\"depths\": [1, 1], \"dims\": [8]", "'dims' must hold one width per stage");
        assertMessage("\"depths\": [1, 0], \"dims\": [8, 16]", "'depths[1]' must be positive");
        assertMessage("\"dims\": [8, -16, 24, 32]", "'dims[1]' must be positive");
        assertMessage("\"pool_size\": 4", "'pool_size' must be a positive odd number");
        assertMessage("\"norm_layers\": \"batch_norm\"", "field 'norm_layers': unknown norm");
        assertMessage("\"mlp_act\": \"swish\"", "field 'mlp_act': unknown activation 'swish'");
        assertMessage("\"token_mixers\": \"attention\"", "only 'pooling'");
        assertMessage("\"use_mlp_head\": true", "'use_mlp_head'");
        assertMessage(
                "\"layer_scale_init_values\": [1e-5, 1e-5]",
                "'layer_scale_init_values' must hold one value or one per stage (4)");
        assertMessage("\"img_size\": 2", "'img_size' must be at least 3");
        assertMessage("\"dimz\": [8]", "unknown field 'dimz'");
    }

    private static void assertMessage(String field, String expected) {
        String json =
                "{\"model_type\":\"metaformer\",\"name\":\"t\",\"img_size\":32,\"depths\":[1,1,1,1],"
                        + "\"dims\":[8,16,24,32],\"num_classes\":3,"
                        + field
                        + "}";
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Configs.read(json.getBytes(StandardCharsets.UTF_8), "test.json"),
                        field);
        assertTrue(e.getMessage().contains(expected), field + ": " + e.getMessage());
    }
}
