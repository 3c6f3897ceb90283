package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.scalingmlp.BottleneckMlp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Scaling MLPs' named variants and config checks. */
class ScalingMlpConfigTest {

    /**
     * The paper's B_6-Wi_1024 and B_12-Wi_1024 at 64x64x3 with the ImageNet-21k head (11,230
     * classes): the counts are {@code sum(p.numel() for p in BottleneckMLP(...).parameters())} of
     * the reference's module in PyTorch.
     */
    @ParameterizedTest
    @CsvSource({
        "scaling_mlp_b6_wi1024_64, 6, 74469342",
        "scaling_mlp_b12_wi1024_64, 12, 124843998"
    })
    void parameterCountsEqualTheReference(String name, int depth, long expected) {
        ScalingMlpConfig config = (ScalingMlpConfig) Configs.variant(name);
        assertEquals(12288, config.dimIn);
        assertEquals(depth, config.blockDims.length);
        try (NDManager manager = NDManager.newBaseManager()) {
            BottleneckMlp block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            assertEquals(expected, NamedParameters.count(block), name);
        }
    }

    private static ConfigException refused(String json) {
        return assertThrows(
                ConfigException.class,
                () -> Configs.read(json.getBytes(StandardCharsets.UTF_8), "test.json"));
    }

    @Test
    void badConfigsAreRefusedNamingTheField() {
        String base = "{\"model_type\": \"scaling_mlp\", \"dim_in\": 12, \"dim_out\": 3, ";
        ConfigException wide = refused(base + "\"block_dims\": [[16, 8], [4, 8]]}");
        assertTrue(
                wide.getMessage().contains("field 'block_dims[1]'")
                        && wide.getMessage().contains("thin 8")
                        && wide.getMessage().contains("wide 4"),
                wide.getMessage());
        ConfigException uneven = refused(base + "\"block_dims\": [[16, 8], [16, 4]]}");
        assertTrue(uneven.getMessage().contains("field 'block_dims[1]'"), uneven.getMessage());
        ConfigException none = refused(base + "\"block_dims\": []}");
        assertTrue(none.getMessage().contains("field 'block_dims'"), none.getMessage());
        ConfigException batch = refused(base + "\"block_dims\": [[16, 8]], \"norm\": \"batch\"}");
        assertTrue(batch.getMessage().contains("field 'norm'"), batch.getMessage());
        ConfigException size =
                refused(base + "\"block_dims\": [[16, 8]], \"input_size\": [3, 2, 3]}");
        assertTrue(size.getMessage().contains("field 'input_size'"), size.getMessage());
    }
}
