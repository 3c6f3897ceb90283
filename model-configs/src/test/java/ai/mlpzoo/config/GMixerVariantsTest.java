package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.mixer.MixerFamily;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** timm's gMixer variants: registered as a vision family, parameter counts equal to timm's. */
class GMixerVariantsTest {

    /**
     * Exact counts from timm's definitions (mlp_mixer.py: patch 16, 196 tokens, D 384, mlp_ratio
     * (1, 4), GluMlp for both MLPs, 1000 classes): per block 2D + (N D + D) + (N D/2 + N) + 2D +
     * (4D D + 4D) + (D 2D + D); timm reports 12.7M and 24.7M.
     */
    @ParameterizedTest
    @CsvSource({"gmixer_12_224, 12701080", "gmixer_24_224, 24721096", "gmixer_fmnist, 241618"})
    void parameterCountsEqualTimm(String name, long expected) {
        MixerConfig config = Configs.mixerVariant(name);
        assertEquals("gmixer", config.block);
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMixer block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            assertEquals(expected, NamedParameters.count(block), name);
            assertEquals("gmixer", block.getFamily().name());
        }
    }

    @Test
    void registeredWithTheGluMlpOnly() {
        Families.Vision v = Families.vision("gmixer");
        assertEquals(MixerFamily.GMIXER, v.blocks());
        assertEquals("glu", v.defaultMlpLayer());
        ConfigException e =
                assertThrows(ConfigException.class, () -> read("\"mlp_layer\": \"kat\""));
        assertTrue(
                e.getMessage().contains("'mlp_layer' 'kat' does not fit block gmixer"),
                e.getMessage());
    }

    @Test
    void oddGluWidthIsNamed() {
        // token width int(1.0 * 9) = 9 cannot be cut into value and gate halves
        ConfigException e = assertThrows(ConfigException.class, () -> read("\"embed_dim\": 9"));
        assertTrue(
                e.getMessage().contains("'mlp_ratio'") && e.getMessage().contains("even"),
                e.getMessage());
    }

    private static MixerConfig read(String field) {
        String json =
                "{\"name\":\"t\",\"block\":\"gmixer\",\"img_size\":16,\"patch_size\":4,\"num_blocks\":1,"
                        + "\"embed_dim\":8,\"num_classes\":3,"
                        + field
                        + "}";
        return Configs.readMixer(json.getBytes(StandardCharsets.UTF_8), "test");
    }
}
