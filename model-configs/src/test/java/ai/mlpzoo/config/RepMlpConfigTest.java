package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.BatchNorm2d;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.repmlp.RepMlpNet;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RepMLPNet's named variants and config checks. */
class RepMlpConfigTest {

    /** PyTorch's {@code parameters()}: BatchNorm's running statistics are buffers. */
    private static long torchCount(ai.djl.nn.Block block) {
        return NamedParameters.of(block).values().stream()
                .filter(p -> !BatchNorm2d.isBuffer(p))
                .mapToLong(p -> p.getShape().size())
                .sum();
    }

    /**
     * The reference's {@code model_map}: the counts are {@code sum(p.numel() for p in
     * m.parameters())} of {@code create_RepMLPNet_*()} in PyTorch 1.13, before and after {@code
     * locality_injection()} (the deploy structure has fc3's bias instead of the BatchNorms and
     * convolution branches).
     */
    @ParameterizedTest
    @CsvSource({
        "repmlpnet_t224, 38293608, 38331720",
        "repmlpnet_t256, 58687848, 58739400",
        "repmlpnet_b224, 68242712, 68332664",
        "repmlpnet_b256, 96447512, 96568184",
        "repmlpnet_d256, 86887648, 86985280",
        "repmlpnet_l256, 117641560, 117820600"
    })
    void parameterCountsEqualTheReference(String name, long training, long deployed) {
        RepMlpConfig config = (RepMlpConfig) Configs.variant(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            RepMlpNet block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            assertEquals(training, torchCount(block), name);
        }
        config.deploy = true;
        try (NDManager manager = NDManager.newBaseManager()) {
            RepMlpNet block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            assertEquals(deployed, torchCount(block), name + " deployed");
        }
    }

    @Test
    void fashionMnistVariant() {
        RepMlpConfig c = (RepMlpConfig) Configs.variant("repmlp_fmnist");
        assertArrayEquals(new int[] {1, 28, 28}, c.inputSize);
        assertEquals(10, c.numClass);
        try (NDManager manager = NDManager.newBaseManager()) {
            RepMlpNet block = c.toBlock();
            block.initialize(manager, DataType.FLOAT32, c.inputShape());
            // the reference's RepMLPNet(...) at these arguments, sum of parameters() (torch 1.13)
            assertEquals(431514, torchCount(block));
        }
    }

    @Test
    void roundTripsThroughJsonKeepingNoConvBranches() {
        RepMlpConfig c = (RepMlpConfig) Configs.variant("repmlp_fmnist");
        c.reparamConvK = null;
        ModelConfig back = Configs.read(Configs.toJson(c).getBytes(StandardCharsets.UTF_8), "t");
        assertNull(((RepMlpConfig) back).reparamConvK, "null means no convolution branches");
        assertEquals(Configs.toJson(c), Configs.toJson(back));
    }

    private static ConfigException refused(String fields) {
        String json =
                "{\"model_type\": \"repmlp\", \"input_size\": [3, 32, 32], \"num_class\": 10,"
                        + " \"num_blocks\": [1, 1], \"channels\": [16, 32], \"hs\": [4, 2],"
                        + " \"ws\": [4, 2], \"sharesets_nums\": [4, 8], \"reparam_conv_k\": [1, 3]"
                        + fields
                        + "}";
        return assertThrows(
                ConfigException.class,
                () -> Configs.read(json.getBytes(StandardCharsets.UTF_8), "test.json"));
    }

    @Test
    void impossibleConfigsAreRefusedNamingTheField() {
        assertTrue(refused(", \"hs\": [3, 2]").getMessage().contains("'hs'"));
        assertTrue(
                refused(", \"sharesets_nums\": [5, 8]")
                        .getMessage()
                        .contains("'sharesets_nums'[0] = 5 does not divide field 'channels'[0]"));
        assertTrue(refused(", \"ws\": [4]").getMessage().contains("'ws'"));
        assertTrue(refused(", \"reparam_conv_k\": [2]").getMessage().contains("'reparam_conv_k'"));
        assertTrue(refused(", \"input_size\": [1, 32, 32]").getMessage().contains("'input_size'"));
        assertTrue(refused(", \"num_class\": 0").getMessage().contains("'num_class'"));
        ConfigException huge = refused(", \"channels\": [16, 3200000]");
        assertTrue(huge.getMessage().contains("channels"), huge.getMessage());
    }
}
