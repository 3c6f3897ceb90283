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
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.blocks.common.InputContract;
import ai.mlpzoo.blocks.timeseries.Forecaster;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.TsMixerConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import ai.mlpzoo.loading.Importers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google TSMixer: parity of an imported torchtsmixer checkpoint with the reference's outputs, and
 * every bad input refused with a message naming what is wrong.
 */
class TsMixerGoogleImportTest {

    private static final String FIXTURE = "timeseries/tsmixer_google_tiny";

    @TempDir Path tmp;

    @Test
    void importedModelDirectoryMatchesTorchtsmixer() throws Exception {
        Path ref = Fixtures.reference();
        Path out = tmp.resolve("model");
        TsMixerConfig config =
                (TsMixerConfig)
                        Importers.get("tsmixer-google").importCheckpoint(ref.resolve(FIXTURE), out);
        assertEquals(32, config.contextLength());
        assertEquals(8, config.horizon());
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            assertTrue(model.getBlock() instanceof Forecaster);
            assertEquals(
                    2,
                    ((ai.mlpzoo.blocks.timeseries.tsmixer.TsMixer) model.getBlock())
                            .getLayers()
                            .size());
            NDList io = SafeTensors.read(manager, ref.resolve(FIXTURE + ".io.safetensors"));
            NDArray input = Fixtures.get(io, "input");
            InputContract.check(model.getBlock(), input, "input");
            NDList result = predictor.predict(new NDList(input));
            assertEquals(new Shape(2, 8, 3), result.head().getShape());
            float diff = Fixtures.maxAbsDiff(result.head(), Fixtures.get(io, "output"));
            System.out.printf("tsmixer_google_tiny parity: output %.3g%n", diff);
            assertTrue(diff < 1e-4, "output differs by " + diff);
        }
    }

    @Test
    void wrongWindowsAreRefusedByTheContract() throws Exception {
        TsMixerConfig config =
                TsMixerGoogleImporter.readConfig(Fixtures.reference().resolve(FIXTURE));
        Forecaster block = config.toBlock();
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException channels =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> block.checkInput(manager.zeros(new Shape(2, 32, 4))));
            assertEquals(
                    "TSMixer input must be (batch, 32 steps, 3 channels), got (2, 32, 4): the"
                            + " model reads windows of 32 steps of 3 channels",
                    channels.getMessage());
            IllegalArgumentException length =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> block.checkInput(manager.zeros(new Shape(1, 16, 3))));
            assertTrue(length.getMessage().contains("got (1, 16, 3)"), length.getMessage());
            NDArray nan = manager.zeros(new Shape(1, 32, 3));
            nan.set(new ai.djl.ndarray.index.NDIndex("0, 5, 1"), Float.NaN);
            IllegalArgumentException finite =
                    assertThrows(IllegalArgumentException.class, () -> block.checkInput(nan));
            assertEquals("TSMixer input contains NaN or infinite values", finite.getMessage());
        }
    }

    @Test
    void impossibleConfigsNameTheirField() {
        assertEquals(
                "field 'num_blocks' must be positive, got 0",
                field(bad(c -> c.put("num_blocks", 0))));
        assertEquals(
                "field 'norm_type' must be \"batch\" or \"layer\", got \"group\"",
                field(bad(c -> c.put("norm_type", "group"))));
        assertTrue(
                field(bad(c -> c.put("activation_fn", "tanh")))
                        .startsWith("field 'activation_fn' must be \"relu\" or \"gelu\""));
        assertEquals(
                "field 'sequence_length' must be positive, got 0",
                field(bad(c -> c.put("sequence_length", 0))));
        assertTrue(field(bad(c -> c.put("dropout", 0.1))).endsWith("unknown field 'dropout'"));
    }

    private static ConfigException bad(
            UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> edit) {
        com.fasterxml.jackson.databind.node.ObjectNode tree = Configs.MAPPER.createObjectNode();
        tree.put("model_type", "tsmixer_google");
        tree.put("sequence_length", 32);
        tree.put("prediction_length", 8);
        tree.put("input_channels", 3);
        edit.apply(tree);
        return assertThrows(
                ConfigException.class, () -> Configs.read(Configs.toJson(tree).getBytes(), "t"));
    }

    @Test
    void missingMisshapedAndBadCounterTensorsAreRefusedByName() throws Exception {
        String key = "mixer_layers.1.time_mixing.fc1.weight";
        CheckpointException missing =
                assertThrows(
                        CheckpointException.class,
                        () -> importEdited(t -> t.name.equals(key) ? null : t.array));
        assertTrue(
                missing.getMessage().contains("missing tensor(s) " + key + " (32, 32)"),
                missing.getMessage());

        CheckpointException misshaped =
                assertThrows(
                        CheckpointException.class,
                        () ->
                                importEdited(
                                        t ->
                                                t.name.equals(key)
                                                        ? t.array.reshape(16, 64)
                                                        : t.array));
        assertTrue(
                misshaped
                        .getMessage()
                        .endsWith(
                                "tensor '"
                                        + key
                                        + "' has shape (16, 64) but the architecture needs (32,"
                                        + " 32)"),
                misshaped.getMessage());

        String counter = "mixer_layers.0.time_mixing.norm.num_batches_tracked";
        CheckpointException badCounter =
                assertThrows(
                        CheckpointException.class,
                        () ->
                                importEdited(
                                        t ->
                                                t.name.equals(counter)
                                                        ? t.array
                                                                .getManager()
                                                                .zeros(new Shape(2), DataType.INT64)
                                                        : t.array));
        assertTrue(
                badCounter
                        .getMessage()
                        .endsWith(
                                "tensor '"
                                        + counter
                                        + "' has shape (2) but a BatchNorm counter is a scalar,"
                                        + " shape ()"),
                badCounter.getMessage());
    }

    @Test
    void countersMayBeAbsentAsPyTorchAccepts() throws Exception {
        Path out = importEdited(t -> t.name.endsWith("num_batches_tracked") ? null : t.array);
        assertTrue(Files.isRegularFile(out.resolve("model-0000.params")));
    }

    private record Named(String name, NDArray array) {}

    /** Imports the fixture with its state dict edited (null drops a tensor). */
    private Path importEdited(java.util.function.Function<Named, NDArray> edit) throws Exception {
        Path src = Fixtures.reference().resolve(FIXTURE);
        Path dir = Files.createTempDirectory(tmp, "ckpt");
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList edited = new NDList();
            for (NDArray t : SafeTensors.read(manager, src.resolve("model.safetensors"))) {
                NDArray e = edit.apply(new Named(t.getName(), t));
                if (e != null) {
                    e.setName(t.getName());
                    edited.add(e);
                }
            }
            SafeTensors.write(edited, dir.resolve("model.safetensors"));
        }
        Path out = Files.createTempDirectory(tmp, "out");
        Files.delete(out);
        Importers.get("tsmixer-google").importCheckpoint(dir, out);
        return out;
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
