package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.kat.KatVisionTransformer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** KAT's named variants and config checks. */
class KatConfigTest {

    /**
     * Counts of the reference's structure (timm's ViT with KAT's {@code KAN} MLPs: two {@code
     * KAT_Group}s of (1, 6) + (8, 4) each), summed over {@code parameters()} in PyTorch; the paper
     * reports them rounded: 5.7M, 22.1M, 86.6M. The {@code *_gelu_*} twins have the same structure.
     */
    @ParameterizedTest
    @CsvSource({
        "kat_tiny_patch16_224, 5718328",
        "kat_small_patch16_224, 22051576",
        "kat_base_patch16_224, 86568568",
        "kat_tiny_gelu_patch16_224, 5718328",
        "kat_small_gelu_patch16_224, 22051576",
        "kat_base_gelu_patch16_224, 86568568"
    })
    void parameterCountsEqualTheReference(String name, long expected) {
        KatConfig config = (KatConfig) Configs.variant(name);
        // the registry's *_gelu_* twins differ only in act2's initial function
        assertEquals(name.contains("_gelu_") ? "gelu" : "swish", config.actInit, name);
        try (NDManager manager = NDManager.newBaseManager()) {
            KatVisionTransformer block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            assertEquals(expected, NamedParameters.count(block), name);
        }
    }

    private static ConfigException refused(String fields) {
        String json =
                "{\"model_type\": \"kat\", \"img_size\": 32, \"patch_size\": 4, " + fields + "}";
        return assertThrows(
                ConfigException.class,
                () -> Configs.read(json.getBytes(StandardCharsets.UTF_8), "test.json"));
    }

    @Test
    void impossibleConfigsAreRefusedNamingTheField() {
        ConfigException heads = refused("\"embed_dim\": 32, \"num_heads\": 5");
        assertTrue(
                heads.getMessage()
                        .contains(
                                "field 'num_heads' (5) does not divide field"
                                        + " 'embed_dim' (32)"),
                heads.getMessage());
        ConfigException groups = refused("\"embed_dim\": 36, \"num_heads\": 6");
        assertTrue(groups.getMessage().contains("field 'embed_dim' (36)"), groups.getMessage());
        ConfigException patch = refused("\"patch_size\": 5");
        assertTrue(patch.getMessage().contains("field 'patch_size'"), patch.getMessage());
        ConfigException pool = refused("\"global_pool\": \"avg\"");
        assertTrue(pool.getMessage().contains("field 'global_pool'"), pool.getMessage());
        ConfigException act = refused("\"act_init\": \"relu\"");
        assertTrue(act.getMessage().contains("field 'act_init'"), act.getMessage());
    }
}
