package ai.mlpzoo.loading.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.timeseries.timemixer.TimeMixer;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.TimeMixerConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import ai.mlpzoo.loading.Importers;
import ai.mlpzoo.loading.StateDicts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parity of TimeMixer with the reference's fixture {@code timeseries/timemixer_tiny} (kwuking/
 * TimeMixer, no time marks, channel independence, avg down-sampling, moving-average decomposition),
 * within 1e-4, and the importer's refusals.
 */
class TimeMixerParityTest {

    private static final String FIXTURE = "timeseries/timemixer_tiny";

    @TempDir Path tmp;

    @Test
    void importedModelDirectoryMatchesReference() throws Exception {
        Path ref = Fixtures.reference();
        Path out = tmp.resolve("timemixer_tiny");
        TimeMixerConfig config =
                (TimeMixerConfig)
                        Importers.get("timemixer").importCheckpoint(ref.resolve(FIXTURE), out);
        assertEquals(0, config.timeFeatures(), "the fixture's config passes no marks");
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io = SafeTensors.read(manager, ref.resolve(FIXTURE + ".io.safetensors"));
            NDList result = predictor.predict(new NDList(Fixtures.get(io, "input")));
            float diff = Fixtures.maxAbsDiff(result.get(0), Fixtures.get(io, "output"));
            System.out.printf("timemixer_tiny parity (model dir): output %.3g%n", diff);
            assertTrue(diff < 1e-4, "output differs by " + diff);
        }
        String meta = Files.readString(out.resolve("metadata.json"));
        assertTrue(
                meta.contains("enc_embedding.position_embedding.pe")
                        && meta.contains("pdm_blocks.1.layer_norm.weight"),
                meta);
    }

    @Test
    void everyScaleOutputMatchesReference() throws Exception {
        Path ref = Fixtures.reference();
        try (NDManager manager = NDManager.newBaseManager()) {
            TimeMixer block = load(manager, ref);
            NDList io = SafeTensors.read(manager, ref.resolve(FIXTURE + ".io.safetensors"));
            NDList out =
                    block.forwardWithScales(
                            new ParameterStore(manager, false),
                            new NDList(Fixtures.get(io, "input")),
                            false);
            assertEquals(4, out.size(), "forecast + 3 scales");
            float diff = Fixtures.maxAbsDiff(out.get(0), Fixtures.get(io, "output"));
            System.out.printf("timemixer_tiny parity: output %.3g", diff);
            assertTrue(diff < 1e-4, "output differs by " + diff);
            for (int s = 0; s < 3; s++) {
                float d =
                        Fixtures.maxAbsDiff(out.get(s + 1), Fixtures.get(io, "scale_outputs." + s));
                System.out.printf(", scale_outputs.%d %.3g", s, d);
                assertTrue(d < 1e-4, "scale_outputs." + s + " differs by " + d);
            }
            System.out.println();
        }
    }

    /**
     * Our own fixtures ({@code tools/fixtures/make_timemixer_paths.py}, a re-implementation checked
     * against the reference's fixture) for the paths timemixer_tiny does not take.
     */
    @ParameterizedTest
    @CsvSource({
        "timeseries/timemixer_mixed_marks, 3",
        "timeseries/timemixer_ci_marks_dft, 2",
        "timeseries/timemixer_mixed_dft_nonorm, 3"
    })
    void otherPathsMatchTheReimplementation(String fixture, int batch) throws Exception {
        Path ref = Fixtures.reference();
        Path out = tmp.resolve("dir");
        TimeMixerConfig config =
                new TimeMixerImporter().importCheckpoint(ref.resolve(fixture), out);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList io = SafeTensors.read(manager, ref.resolve(fixture + ".io.safetensors"));
            NDList in = new NDList(Fixtures.get(io, "input"));
            if (config.timeFeatures() > 0) {
                in.add(Fixtures.get(io, "input_mark"));
            }
            assertEquals(batch, in.head().getShape().get(0));
            TimeMixer block = load(manager, ref, fixture);
            NDList got = block.forwardWithScales(new ParameterStore(manager, false), in, false);
            float diff = Fixtures.maxAbsDiff(got.get(0), Fixtures.get(io, "output"));
            System.out.printf("%s parity: output %.3g", fixture, diff);
            assertTrue(diff < 1e-4, fixture + " output differs by " + diff);
            for (int s = 0; s < 3; s++) {
                float d =
                        Fixtures.maxAbsDiff(got.get(s + 1), Fixtures.get(io, "scale_outputs." + s));
                System.out.printf(", scale_outputs.%d %.3g", s, d);
                assertTrue(d < 1e-4, fixture + " scale_outputs." + s + " differs by " + d);
            }
            System.out.println();
            // the imported model directory, through a predictor, marks as the second input
            Criteria<NDList, NDList> criteria =
                    Criteria.builder()
                            .setTypes(NDList.class, NDList.class)
                            .optModelPath(out)
                            .build();
            try (ZooModel<NDList, NDList> model = criteria.loadModel();
                    Predictor<NDList, NDList> predictor = model.newPredictor()) {
                float d =
                        Fixtures.maxAbsDiff(
                                predictor.predict(in).get(0), Fixtures.get(io, "output"));
                assertTrue(d < 1e-4, fixture + " model directory differs by " + d);
            }
        }
    }

    private static TimeMixer load(NDManager manager, Path ref) throws Exception {
        return load(manager, ref, FIXTURE);
    }

    private static TimeMixer load(NDManager manager, Path ref, String fixture) throws Exception {
        Path dir = ref.resolve(fixture);
        TimeMixerConfig config = TimeMixerImporter.readConfig(dir.resolve("config.json"));
        TimeMixer block = config.toBlock();
        block.initialize(manager, DataType.FLOAT32, config.inputShape());
        NDList used = new NDList();
        for (NDArray t : SafeTensors.read(manager, dir.resolve("model.safetensors"))) {
            if (!t.getName().contains("position_embedding")
                    && !t.getName().contains("layer_norm")) {
                used.add(t);
            }
        }
        StateDicts.load(NamedParameters.of(block), used, "fixture");
        return block;
    }

    /** Copies the fixture with config.json and the tensors changed. */
    private Path variant(String config, String drop, String reshape) throws Exception {
        Path src = Fixtures.reference().resolve(FIXTURE);
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Files.writeString(dir.resolve("config.json"), config);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList kept = new NDList();
            for (NDArray t : SafeTensors.read(manager, src.resolve("model.safetensors"))) {
                if (t.getName().equals(drop)) {
                    continue;
                }
                if (t.getName().equals(reshape)) {
                    NDArray r = t.reshape(-1);
                    r.setName(t.getName());
                    t = r;
                }
                kept.add(t);
            }
            SafeTensors.write(kept, dir.resolve("model.safetensors"));
        }
        return dir;
    }

    private static String fixtureConfig() throws Exception {
        return Files.readString(
                Fixtures.reference().resolve(FIXTURE).resolve("config.json"),
                StandardCharsets.UTF_8);
    }

    @Test
    void missingTensorIsRefusedByName() throws Exception {
        Path dir = variant(fixtureConfig(), "predict_layers.1.weight", null);
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> new TimeMixerImporter().importCheckpoint(dir, tmp.resolve("out")));
        assertTrue(
                e.getMessage().contains("missing tensor(s) predict_layers.1.weight"),
                e.getMessage());
    }

    @Test
    void misshapedTensorIsRefusedByName() throws Exception {
        Path dir = variant(fixtureConfig(), null, "projection_layer.weight");
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> new TimeMixerImporter().importCheckpoint(dir, tmp.resolve("out")));
        assertTrue(
                e.getMessage().contains("tensor 'projection_layer.weight' has shape (8)"),
                e.getMessage());
    }

    @Test
    void configMustBeATimeMixerRunAndOtherRunArgumentsAreIgnored() throws Exception {
        String cfg = fixtureConfig();
        Path dir = variant(cfg.replace("\"TimeMixer\"", "\"PatchTST\""), null, null);
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> new TimeMixerImporter().importCheckpoint(dir, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("field 'model' must be \"TimeMixer\""), e.getMessage());

        Files.writeString(
                dir.resolve("config.json"),
                cfg.replace("{", "{\"learning_rate\": 0.01, \"batch_size\": 128,"));
        assertEquals(8, TimeMixerImporter.readConfig(dir.resolve("config.json")).horizon());

        Files.writeString(
                dir.resolve("config.json"),
                cfg.replace("\"moving_avg\": 25", "\"moving_avg\": 24"));
        e =
                assertThrows(
                        ConfigException.class,
                        () -> TimeMixerImporter.readConfig(dir.resolve("config.json")));
        assertTrue(
                e.getMessage().contains("config.json: field 'moving_avg' must be odd"),
                e.getMessage());
    }
}
