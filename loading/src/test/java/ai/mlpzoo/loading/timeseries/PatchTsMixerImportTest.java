package ai.mlpzoo.loading.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.PatchTsMixer;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.PatchTsMixerConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import ai.mlpzoo.loading.Importers;
import ai.mlpzoo.loading.StateDicts;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PatchTSMixer: parity of an imported Hugging Face checkpoint with {@code
 * PatchTSMixerForPrediction}'s outputs and intermediates, and bad configs and checkpoints refused
 * by name.
 */
class PatchTsMixerImportTest {

    private static final String FIXTURE = "timeseries/patchtsmixer_tiny";

    @TempDir Path tmp;

    @Test
    void importedModelDirectoryMatchesHuggingFace() throws Exception {
        Path ref = Fixtures.reference();
        Path out = tmp.resolve("model");
        PatchTsMixerConfig config =
                (PatchTsMixerConfig)
                        Importers.get("hf").importCheckpoint(ref.resolve(FIXTURE), out);
        assertEquals(4, config.numPatches);
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io = SafeTensors.read(manager, ref.resolve(FIXTURE + ".io.safetensors"));
            NDList result = predictor.predict(new NDList(Fixtures.get(io, "input")));
            assertEquals(1, result.size());
            float diff = Fixtures.maxAbsDiff(result.head(), Fixtures.get(io, "output"));
            System.out.printf("patchtsmixer_tiny parity: prediction_outputs %.3g%n", diff);
            assertTrue(diff < 1e-4, "prediction_outputs differ by " + diff);
        }
    }

    @Test
    void intermediatesMatchHuggingFace() throws Exception {
        Path dir = Fixtures.reference().resolve(FIXTURE);
        PatchTsMixerConfig config = (PatchTsMixerConfig) HfImporter.readConfig(dir);
        try (NDManager manager = NDManager.newBaseManager()) {
            PatchTsMixer block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            StateDicts.load(
                    NamedParameters.of(block),
                    SafeTensors.read(manager, dir.resolve("model.safetensors")),
                    "fixture");
            NDList io =
                    SafeTensors.read(
                            manager, Fixtures.reference().resolve(FIXTURE + ".io.safetensors"));
            NDList all =
                    block.forwardIntermediates(
                            new ParameterStore(manager, false), Fixtures.get(io, "input"), false);
            String[][] pairs = {
                {"prediction_outputs", "output"},
                {"last_hidden_state", "last_hidden_state"},
                {"loc", "loc"},
                {"scale", "scale"},
                {"patch_input", "patch_input"}
            };
            for (String[] p : pairs) {
                float diff = Fixtures.maxAbsDiff(Fixtures.get(all, p[0]), Fixtures.get(io, p[1]));
                System.out.printf("patchtsmixer_tiny parity: %s %.3g%n", p[0], diff);
                assertTrue(diff < 1e-4, p[0] + " differs by " + diff);
            }
        }
    }

    @Test
    void scalingTrueIsTheStdScalerAsTheHubCheckpointsUseIt() throws Exception {
        // the IBM hub configs say "scaling": true; the reference's code reads it as "std"
        Path dir = editedConfig(c -> c.put("scaling", true));
        Path out = tmp.resolve("model-true");
        Importers.get("hf").importCheckpoint(dir, out);
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io =
                    SafeTensors.read(
                            manager, Fixtures.reference().resolve(FIXTURE + ".io.safetensors"));
            NDList result = predictor.predict(new NDList(Fixtures.get(io, "input")));
            float diff = Fixtures.maxAbsDiff(result.head(), Fixtures.get(io, "output"));
            assertTrue(diff < 1e-4, "scaling true differs from std by " + diff);
        }
    }

    @Test
    void anUnknownModelTypeIsRefusedNamingTheSupportedOnes() throws Exception {
        Path dir = editedConfig(c -> c.put("model_type", "patchtst"));
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("hf").importCheckpoint(dir, tmp.resolve("o")));
        assertEquals(
                dir.resolve("config.json")
                        + ": model_type 'patchtst' is not supported; --format hf imports:"
                        + " patchtsmixer",
                e.getMessage());
        Path pretrain =
                editedConfig(c -> c.putArray("architectures").add("PatchTSMixerForPretraining"));
        ConfigException p =
                assertThrows(ConfigException.class, () -> HfImporter.readConfig(pretrain));
        assertTrue(
                p.getMessage()
                        .endsWith(
                                "only PatchTSMixerForPrediction checkpoints (with a forecasting head) can"
                                        + " be imported"),
                p.getMessage());
    }

    @Test
    void impossibleConfigsNameTheirField() throws Exception {
        assertEquals(
                "field 'context_length' (32) must be larger than field 'patch_length' (32): the"
                        + " model reads whole patches of the window",
                field(bad(c -> c.put("patch_length", 32).remove("num_patches"))));
        assertEquals(
                "field 'num_layers' must be positive, got 0",
                field(bad(c -> c.put("num_layers", 0))));
        assertEquals(
                "field 'scaling' must be \"std\", \"mean\", true (std), false or null (none), got"
                        + " \"robust\"",
                field(bad(c -> c.put("scaling", "robust"))));
        assertEquals(
                "field 'mode' must be \"common_channel\" or \"mix_channel\", got \"flatten\"",
                field(bad(c -> c.put("mode", "flatten"))));
        assertEquals(
                "field 'norm_mlp' must be \"LayerNorm\" or \"BatchNorm\", got \"GroupNorm\"",
                field(bad(c -> c.put("norm_mlp", "GroupNorm"))));
        assertTrue(
                field(bad(c -> c.put("num_patches", 5)))
                        .startsWith("field 'num_patches' is 5 but context_length 32"));
        assertTrue(
                field(bad(c -> c.putArray("prediction_channel_indices").add(3)))
                        .startsWith("field 'prediction_channel_indices' holds 3, not a channel"));
        assertTrue(field(bad(c -> c.put("loss", "nll"))).startsWith("field 'loss' is \"nll\""));
        assertTrue(field(bad(c -> c.put("d_modle", 16))).endsWith("unknown field 'd_modle'"));
    }

    private ConfigException bad(Consumer<ObjectNode> edit) throws Exception {
        Path dir = editedConfig(edit);
        return assertThrows(ConfigException.class, () -> HfImporter.readConfig(dir));
    }

    private Path editedConfig(Consumer<ObjectNode> edit) throws Exception {
        Path src = Fixtures.reference().resolve(FIXTURE);
        Path dir = Files.createTempDirectory(tmp, "ckpt");
        ObjectNode tree = (ObjectNode) Configs.MAPPER.readTree(src.resolve("config.json").toFile());
        edit.accept(tree);
        Files.writeString(dir.resolve("config.json"), Configs.toJson(tree), StandardCharsets.UTF_8);
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        return dir;
    }

    @Test
    void missingAndMisshapedTensorsAreRefusedByName() throws Exception {
        Path src = Fixtures.reference().resolve(FIXTURE);
        String key = "model.encoder.mlp_mixer_encoder.mixers.1.patch_mixer.mlp.fc1.weight";
        for (boolean drop : new boolean[] {true, false}) {
            Path dir = Files.createTempDirectory(tmp, "ckpt");
            Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
            try (NDManager manager = NDManager.newBaseManager()) {
                NDList edited = new NDList();
                for (NDArray t : SafeTensors.read(manager, src.resolve("model.safetensors"))) {
                    if (!t.getName().equals(key)) {
                        edited.add(t);
                    } else if (!drop) {
                        NDArray r = t.reshape(4, 8);
                        r.setName(key);
                        edited.add(r);
                    }
                }
                SafeTensors.write(edited, dir.resolve("model.safetensors"));
            }
            CheckpointException e =
                    assertThrows(
                            CheckpointException.class,
                            () ->
                                    Importers.get("hf")
                                            .importCheckpoint(dir, tmp.resolve("o" + drop)));
            String expected =
                    drop
                            ? "missing tensor(s) " + key + " (8, 4)"
                            : "tensor '"
                                    + key
                                    + "' has shape (4, 8) but the architecture needs (8, 4)";
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test
    void wrongWindowsAreRefusedByTheContract() throws Exception {
        PatchTsMixer block =
                (PatchTsMixer)
                        HfImporter.readConfig(Fixtures.reference().resolve(FIXTURE)).toBlock();
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> block.checkInput(manager.zeros(new Shape(2, 24, 3))));
            assertEquals(
                    "PatchTSMixer input must be (batch, 32 steps, 3 channels), got (2, 24, 3):"
                            + " the model reads windows of 32 steps of 3 channels",
                    e.getMessage());
            NDArray inf = manager.zeros(new Shape(1, 32, 3));
            inf.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0"), Float.POSITIVE_INFINITY);
            assertEquals(
                    "PatchTSMixer input contains NaN or infinite values",
                    assertThrows(IllegalArgumentException.class, () -> block.checkInput(inf))
                            .getMessage());
        }
    }

    /** The message after the file it names: "<config>: field ...". */
    private static String field(ConfigException e) {
        String m = e.getMessage();
        int at = m.indexOf(": field '");
        int unknown = m.indexOf(": unknown field '");
        int cut = at >= 0 ? at : unknown;
        return cut >= 0 ? m.substring(cut + 2) : m;
    }
}
