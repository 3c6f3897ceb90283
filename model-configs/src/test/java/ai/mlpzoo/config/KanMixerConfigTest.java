package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The KAN-Mixer is a Mixer config with {@code "mlp_layer": "kat"}; the retired kan_mixer form still
 * loads.
 */
class KanMixerConfigTest {

    /** A KAN-Mixer in the retired form, as files written before the change hold it. */
    private static final String OLD =
            "{\"model_type\": \"kan_mixer\", \"name\": \"t\", \"img_size\": 28, \"in_chans\": 1, \"patch_size\": 7,"
                    + " \"num_blocks\": 2, \"embed_dim\": 16, \"mlp_ratio\": [0.5, 2.0], \"num_classes\": 5,"
                    + " \"num_groups\": 4, \"act_init\": \"swish\", \"drop_path_rate\": 0.1}";

    /** The same architecture in the new form, written by hand. */
    private static final String NEW =
            "{\n  \"model_type\" : \"mlp_mixer\",\n  \"name\" : \"t\",\n  \"block\" : \"mixer\",\n  \"img_size\" : 28,\n"
                    + "  \"in_chans\" : 1,\n  \"patch_size\" : 7,\n  \"num_blocks\" : 2,\n  \"embed_dim\" : 16,\n"
                    + "  \"mlp_ratio\" : [ 0.5, 2.0 ],\n  \"mlp_layer\" : \"kat\",\n  \"num_groups\" : 4,\n"
                    + "  \"act_init\" : \"swish\",\n  \"num_classes\" : 5,\n  \"drop_rate\" : 0.0,\n"
                    + "  \"proj_drop_rate\" : 0.0,\n  \"drop_path_rate\" : 0.1\n}";

    @TempDir Path tmp;

    private static ModelConfig read(String json) {
        return Configs.read(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    @Test
    void theRetiredFormIsReadAndWrittenInTheNewOne() {
        ModelConfig c = read(OLD);
        MixerConfig m = assertInstanceOf(MixerConfig.class, c);
        assertTrue(m.isKanMixer());
        assertEquals(NEW, Configs.toJson(m));
        assertEquals(NEW, Configs.toJson(read(NEW)), "the new form round-trips");
        assertEquals(
                NEW,
                Configs.toJson(
                        Configs.readMixer(OLD.getBytes(StandardCharsets.UTF_8), "old.json")));
    }

    @Test
    void theRetiredDefaultsAreKept() {
        // kan_mixer had Fashion-MNIST defaults; an old file that relied on them keeps its meaning
        MixerConfig m = (MixerConfig) read("{\"model_type\": \"kan_mixer\"}");
        assertEquals(
                List.of(28, 1, 4, 8, 128, 10, 8),
                List.of(
                        m.imgSize,
                        m.inChans,
                        m.patchSize,
                        m.numBlocks,
                        m.embedDim,
                        m.numClasses,
                        m.numGroups));
        assertEquals("gelu", m.actInit);
        assertEquals("[0.5, 4.0]", java.util.Arrays.toString(m.mlpRatio));
    }

    @Test
    void oldAndNewFormsBuildTheSameBlockWithTheSameOutputs() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelConfig old = read(OLD);
            Block a = old.toBlock();
            a.initialize(manager, DataType.FLOAT32, old.inputShape());
            Block b = read(NEW).toBlock();
            b.initialize(manager, DataType.FLOAT32, old.inputShape());
            Map<String, Parameter> pa = NamedParameters.of(a);
            Map<String, Parameter> pb = NamedParameters.of(b);
            assertEquals(
                    new ArrayList<>(pa.keySet()),
                    new ArrayList<>(pb.keySet()),
                    "same parameters, same order");
            assertTrue(
                    pa.containsKey("blocks.1.mlp_channels.act2.weight_denominator"),
                    pa.keySet().toString());
            assertTrue(
                    pa.containsKey("blocks.1.mlp_tokens.fc1.weight"),
                    "tokens are mixed by a GELU MLP");

            // a parameter file saved from the old form's block is positional: it loads into the new
            // one
            Path file = tmp.resolve("old.params");
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
                a.saveParameters(out);
            }
            try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
                b.loadParameters(manager, in);
            }
            NDArray x = manager.randomNormal(new Shape(3, 1, 28, 28));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray ya = a.forward(ps, new NDList(x), false).head();
            NDArray yb = b.forward(ps, new NDList(x), false).head();
            assertEquals(new Shape(3, 5), ya.getShape());
            assertTrue(ya.contentEquals(yb), "identical logits");
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"block\": \"mixer\", \"mlp_layer\": \"kat\", \"embed_dim\": 20, \"num_groups\": 8"
                        + " | field 'num_groups' (8) must divide field 'embed_dim' (20)",
                "\"block\": \"gmlp\", \"mlp_layer\": \"kat\" | field 'mlp_layer' 'kat' does not fit block gmlp",
                "\"block\": \"mixer\", \"mlp_layer\": \"gated\" | field 'mlp_layer' 'gated' does not fit block mixer",
                "\"block\": \"mixer\", \"num_groups\": 4 | fields 'num_groups' and 'act_init' belong to",
                "\"block\": \"resmlp\", \"mlp_layer\": \"kat\", \"act_init\": \"relu6\" | field 'act_init'",
                "\"block\": \"mixer\", \"mlp_layer\": \"kat\", \"num_groups\": 0 | field 'num_groups' must be positive"
            })
    void impossibleMlpLayersAreNamed(String fields, String message) {
        String json =
                "{\"img_size\": 28, \"in_chans\": 1, \"patch_size\": 4, \"num_blocks\": 1, \"embed_dim\": 32, "
                        + "\"num_classes\": 10, "
                        + fields
                        + "}";
        ConfigException e = assertThrows(ConfigException.class, () -> read(json));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aResMlpMayTakeKatMlpsToo() {
        MixerConfig c =
                (MixerConfig)
                        read(
                                "{\"block\": \"resmlp\", \"mlp_layer\": \"kat\", \"img_size\": 8,"
                                        + " \"in_chans\": 1, \"patch_size\": 4, \"num_blocks\": 1, \"embed_dim\": 16, \"num_classes\": 3}");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = c.toBlock();
            block.initialize(manager, DataType.FLOAT32, c.inputShape());
            Map<String, Parameter> p = NamedParameters.of(block);
            assertEquals(
                    new Shape(8, 4),
                    p.get("blocks.0.mlp_channels.act1.weight_denominator").getShape());
            assertTrue(p.containsKey("norm.alpha"), "still a ResMLP: Affine norms");
        }
    }
}
