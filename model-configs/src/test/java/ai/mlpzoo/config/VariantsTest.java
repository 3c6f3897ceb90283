package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VariantsTest {

    /** Parameter counts as timm reports them (millions, two decimals). */
    @ParameterizedTest
    @CsvSource({
        "mixer_s32_224, 19.10",
        "mixer_s16_224, 18.53",
        "mixer_b32_224, 60.29",
        "mixer_b16_224, 59.88",
        "mixer_l32_224, 206.94",
        "mixer_l16_224, 208.20",
        "resmlp_12_224, 15.35",
        "resmlp_24_224, 30.02",
        "resmlp_36_224, 44.69",
        "resmlp_big_24_224, 129.14",
        "gmlp_ti16_224, 5.87",
        "gmlp_s16_224, 19.42",
        "gmlp_b16_224, 73.08"
    })
    void parameterCountsEqualTimm(String name, double millions) {
        MixerConfig config = Configs.mixerVariant(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMixer block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            long count = NamedParameters.count(block);
            assertEquals(millions, Math.round(count / 1e4) / 100.0, 1e-9, name + " has " + count);
        }
    }

    @Test
    void everyVariantLoadsAndFashionMnistOnesExist() {
        for (String name : Configs.variantNames()) {
            ModelConfig c = Configs.variant(name);
            assertEquals(name, nameOf(c));
        }
        KanBSplineConfig kan = (KanBSplineConfig) Configs.variant("kan_fmnist");
        assertArrayEquals(
                new int[] {784, 64, 10}, kan.layersHidden, "efficient-kan's MNIST example widths");
        ConfigException e =
                assertThrows(ConfigException.class, () -> Configs.mixerVariant("kan_fmnist"));
        assertTrue(e.getMessage().contains("not a Mixer-family"), e.getMessage());
        for (String family : new String[] {"mixer", "resmlp", "gmlp"}) {
            MixerConfig c = Configs.mixerVariant(family + "_fmnist");
            assertEquals(28, c.imgSize);
            assertEquals(1, c.inChans);
            assertEquals(10, c.numClasses);
            assertEquals(family, c.block);
        }
    }

    /** A variant's {@code name} field, whatever its config class. */
    static String nameOf(ModelConfig c) {
        try {
            return (String) c.getClass().getField("name").get(c);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(c.getClass() + " has no public name field", e);
        }
    }

    /**
     * The reference's own variants, counted independently: {@code sum(p.numel() for p in
     * model.parameters())} of the reference module at each variant's arguments (torch 1.13).
     */
    @ParameterizedTest
    @CsvSource({
        "ms_mlp_tiny_patch4_shift5_224, 28656232",
        "ms_mlp_small_patch4_shift5_224, 50303752",
        "ms_mlp_base_patch4_shift5_224, 88696792",
        "raft_mlp_s_224, 9868768",
        "raft_mlp_m_224, 21413632",
        "raft_mlp_l_224, 36184672",
        "smlp_tiny_light_alpha3_patch4_224, 18243920",
        "smlp_tiny_alpha3_patch4_224, 24903920",
        "smlp_small_alpha3_patch4_224, 42568600",
        "smlp_base_alpha3_patch4_224, 57216480"
    })
    void referenceVariantCountsEqualTheReference(String name, long expected) {
        ModelConfig config = Configs.variant(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            ai.djl.nn.Block block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            // PyTorch's parameters(): BatchNorm's running statistics are buffers, not counted
            long count =
                    NamedParameters.of(block).values().stream()
                            .filter(p -> !ai.mlpzoo.blocks.common.BatchNorm2d.isBuffer(p))
                            .mapToLong(p -> p.getShape().size())
                            .sum();
            assertEquals(expected, count, name);
        }
    }

    @Test
    void unknownVariantListsKnownOnes() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> Configs.mixerVariant("mixer_z1"));
        assertTrue(
                e.getMessage().contains("mixer_z1") && e.getMessage().contains("gmlp_s16_224"),
                e.getMessage());
    }

    @Test
    void patchSizeThatDoesNotDivideImageIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> read("\"patch_size\": 5"));
        assertTrue(
                e.getMessage().contains("'patch_size' (5) does not divide field 'img_size' (28)"),
                e.getMessage());
    }

    @Test
    void nonPositiveDimensionsAreNamed() {
        for (String field :
                new String[] {"embed_dim", "num_blocks", "img_size", "in_chans", "num_classes"}) {
            ConfigException e =
                    assertThrows(ConfigException.class, () -> read("\"" + field + "\": 0"));
            assertTrue(e.getMessage().contains("'" + field + "' must be positive"), e.getMessage());
        }
        ConfigException e =
                assertThrows(ConfigException.class, () -> read("\"mlp_ratio\": [0.5, -1]"));
        assertTrue(e.getMessage().contains("'mlp_ratio'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> read("\"drop_path_rate\": 1.5"));
        assertTrue(e.getMessage().contains("'drop_path_rate'"), e.getMessage());
    }

    @Test
    void unknownBlockTypeIsNamed() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> read("\"block\": \"transformer\""));
        assertTrue(
                e.getMessage().contains("unknown block type 'transformer' in field 'block'"),
                e.getMessage());
    }

    @Test
    void unknownFieldIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> read("\"embed_dims\": 64"));
        assertTrue(e.getMessage().contains("unknown field 'embed_dims'"), e.getMessage());
    }

    @Test
    void roundTripsThroughJson() {
        MixerConfig c = Configs.mixerVariant("resmlp_fmnist");
        ModelConfig back = Configs.read(Configs.toJson(c).getBytes(StandardCharsets.UTF_8), "test");
        assertEquals(Configs.toJson(c), Configs.toJson(back));
    }

    private static MixerConfig read(String field) {
        String json =
                "{\"block\": \"mixer\", \"img_size\": 28, \"in_chans\": 1, \"patch_size\": 4, "
                        + "\"num_blocks\": 2, \"embed_dim\": 32, \"num_classes\": 10, "
                        + field
                        + "}";
        // a later duplicate key wins in Jackson, so the tested field overrides the defaults above
        return Configs.readMixer(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }
}
