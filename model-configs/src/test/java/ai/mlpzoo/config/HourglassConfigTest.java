package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.hourglass.HourglassMlp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Hourglass MLP's named variants, their parameter counts, and config checks. */
class HourglassConfigTest {

    /**
     * Counts by hand. hourglass_fmnist (d_z 1024, d_h 128, L 5, d_y 10): per block LayerNorm 2·1024
     * = 2,048, fc1 1024·128 + 128 = 131,200, fc2 128·1024 + 1024 = 132,096, so 265,344, times 5 is
     * 1,326,720; head LayerNorm 2,048 and Linear 1024·10 + 10 = 10,250; trainable 1,339,018; the
     * fixed W_in adds 1024·784 = 802,816, never trained. hourglass_conventional_fmnist (d_z = d_x =
     * 784, d_h 848, L 1): one block 1,568 + (784·848 + 848) + (848·784 + 784) = 1,332,864; head
     * 1,568 + 7,850; 1,342,282, no projection.
     */
    @ParameterizedTest
    @CsvSource({
        "hourglass_fmnist, hourglass, 1339018, 2141834",
        "hourglass_conventional_fmnist, conventional, 1342282, 1342282"
    })
    void parameterCountsEqualTheHandFormula(String name, String shape, long trainable, long total) {
        HourglassConfig config = (HourglassConfig) Configs.variant(name);
        assertEquals(784, config.dx);
        assertEquals(10, config.dy);
        assertEquals(shape, config.blockShape);
        assertEquals(trainable, config.trainableParameters(), name + " formula");
        assertEquals(total, config.totalParameters(), name + " formula, W_in included");
        try (NDManager manager = NDManager.newBaseManager()) {
            HourglassMlp block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            assertEquals(total, NamedParameters.count(block), name);
            long trained =
                    NamedParameters.of(block).values().stream()
                            .filter(Parameter::requiresGradient)
                            .mapToLong(p -> p.getShape().size())
                            .sum();
            assertEquals(trainable, trained, name + " parameters with a gradient");
        }
    }

    @Test
    void aLearnedProjectionIsCountedAsTrainable() {
        HourglassConfig c =
                read(
                        "\"d_x\": 6, \"d_z\": 8, \"d_h\": 2, \"L\": 1, \"d_y\": 3,"
                                + " \"input_projection\": \"learned\"");
        // block 16 + (8·2 + 2) + (2·8 + 8) = 58; head 16 + 8·3 + 3 = 43; W_in 8·6 = 48
        assertEquals(58 + 43 + 48, c.trainableParameters());
        assertEquals(c.trainableParameters(), c.totalParameters());
        HourglassConfig none = read("\"d_x\": 6, \"d_z\": 8, \"d_h\": 2, \"L\": 1, \"d_y\": 3");
        assertEquals(58 + 43, none.trainableParameters());
        assertEquals(58 + 43 + 48, none.totalParameters());
    }

    private static HourglassConfig read(String fields) {
        String json = "{\"model_type\": \"hourglass\", " + fields + "}";
        return (HourglassConfig) Configs.read(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    private static ConfigException refused(String fields) {
        return assertThrows(ConfigException.class, () -> read(fields));
    }

    @Test
    void badConfigsAreRefusedNamingTheField() {
        String io = "\"d_x\": 784, \"d_y\": 10, ";
        ConfigException wide = refused(io + "\"d_z\": 512, \"d_h\": 1024, \"L\": 2");
        assertTrue(
                wide.getMessage().contains("field 'd_h'")
                        && wide.getMessage().contains("d_h 1024")
                        && wide.getMessage().contains("d_z 512"),
                wide.getMessage());
        ConfigException equal = refused(io + "\"d_z\": 512, \"d_h\": 512, \"L\": 2");
        assertTrue(equal.getMessage().contains("field 'd_h'"), equal.getMessage());
        ConfigException zero = refused(io + "\"d_z\": 1024, \"d_h\": 64, \"L\": 0");
        assertTrue(
                zero.getMessage().contains("field 'L'") && zero.getMessage().contains("got 0"),
                zero.getMessage());
        ConfigException narrow =
                refused(
                        io
                                + "\"d_z\": 784, \"d_h\": 256, \"L\": 2,"
                                + " \"block_shape\": \"conventional\"");
        assertTrue(
                narrow.getMessage().contains("field 'd_h'")
                        && narrow.getMessage().contains("narrow-wide-narrow"),
                narrow.getMessage());
        ConfigException skip =
                refused(
                        io
                                + "\"d_z\": 256, \"d_h\": 1024, \"L\": 2,"
                                + " \"block_shape\": \"conventional\"");
        assertTrue(
                skip.getMessage().contains("field 'd_z'") && skip.getMessage().contains("\"none\""),
                skip.getMessage());
        ConfigException shape =
                refused(io + "\"d_z\": 1024, \"d_h\": 64, \"L\": 2, \"block_shape\": \"diamond\"");
        assertTrue(shape.getMessage().contains("field 'block_shape'"), shape.getMessage());
        ConfigException proj =
                refused(
                        io
                                + "\"d_z\": 1024, \"d_h\": 64, \"L\": 2,"
                                + " \"input_projection\": \"orthogonal\"");
        assertTrue(proj.getMessage().contains("field 'input_projection'"), proj.getMessage());
        ConfigException norm =
                refused(io + "\"d_z\": 1024, \"d_h\": 64, \"L\": 2, \"norm\": \"batch\"");
        assertTrue(norm.getMessage().contains("field 'norm'"), norm.getMessage());
        ConfigException act =
                refused(io + "\"d_z\": 1024, \"d_h\": 64, \"L\": 2, \"activation\": \"tanh\"");
        assertTrue(act.getMessage().contains("field 'activation'"), act.getMessage());
        ConfigException dx = refused("\"d_x\": 0, \"d_y\": 10, \"d_z\": 64, \"d_h\": 8, \"L\": 1");
        assertTrue(dx.getMessage().contains("field 'd_x'"), dx.getMessage());
        ConfigException size =
                refused(io + "\"d_z\": 1024, \"d_h\": 64, \"L\": 2, \"input_size\": [3, 28, 28]");
        assertTrue(size.getMessage().contains("field 'input_size'"), size.getMessage());
    }

    @Test
    void anImpossibleSizeIsRefusedBeforeAnythingIsBuilt() {
        ConfigException e =
                refused("\"d_x\": 784, \"d_y\": 10, \"d_z\": 2000000000, \"d_h\": 64, \"L\": 4");
        assertTrue(e.getMessage().contains("d_z"), e.getMessage());
    }
}
