package ai.mlpzoo.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.MixerConfig;
import ai.mlpzoo.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimmImporterTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"mixer_tiny", "resmlp_tiny", "gmlp_tiny"})
    void importedModelMatchesTimm(String fixture) throws Exception {
        Path ref = Fixtures.reference();
        Path out = tmp.resolve(fixture);
        MixerConfig config = (MixerConfig) TimmImporter.importCheckpoint(ref.resolve(fixture), out);
        assertEquals(10, config.numClasses);
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io = SafeTensors.read(manager, ref.resolve(fixture + ".io.safetensors"));
            NDList result = predictor.predict(new NDList(Fixtures.get(io, "input")));
            float outDiff = Fixtures.maxAbsDiff(result.get(0), Fixtures.get(io, "output"));
            float featDiff = Fixtures.maxAbsDiff(result.get(1), Fixtures.get(io, "pre_logits"));
            System.out.printf(
                    "%s parity: output %.3g, pre_logits %.3g%n", fixture, outDiff, featDiff);
            assertTrue(outDiff < 1e-4, "output differs by " + outDiff);
            assertTrue(featDiff < 1e-4, "pre_logits differs by " + featDiff);
        }
    }

    @Test
    void unknownArchitectureIsNamed() throws IOException {
        Path ckpt = copyFixture("mixer_tiny");
        String json =
                Files.readString(ckpt.resolve("config.json"))
                        .replace("mixer_s16_224", "mixer_x99_224");
        Files.writeString(ckpt.resolve("config.json"), json);
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> TimmImporter.importCheckpoint(ckpt, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("unknown architecture 'mixer_x99_224'"), e.getMessage());
        assertTrue(
                e.getMessage().contains("mixer_b16_224"),
                "lists the known ones: " + e.getMessage());
    }

    @Test
    void shapeThatDoesNotFitIsNamed() throws IOException {
        Path ckpt = copyFixture("mixer_tiny");
        String json =
                Files.readString(ckpt.resolve("config.json"))
                        .replace("\"embed_dim\": 64", "\"embed_dim\": 32");
        Files.writeString(ckpt.resolve("config.json"), json);
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> TimmImporter.importCheckpoint(ckpt, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("has shape"), e.getMessage());
    }

    @Test
    void missingAndExtraTensorsAreNamed() throws IOException {
        Path ckpt = copyFixture("resmlp_tiny");
        // the ResMLP weights read as a Mixer: Mixer's norms and token MLP are missing
        String json =
                Files.readString(ckpt.resolve("config.json"))
                        .replace("resmlp_12_224", "mixer_s16_224");
        Files.writeString(ckpt.resolve("config.json"), json);
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> TimmImporter.importCheckpoint(ckpt, tmp.resolve("out")));
        assertTrue(
                e.getMessage().contains("missing tensor(s) blocks.0.norm1.weight"), e.getMessage());

        Path gmlp = copyFixture("gmlp_tiny");
        String g =
                Files.readString(gmlp.resolve("config.json"))
                        .replace("\"num_blocks\": 2", "\"num_blocks\": 1");
        Files.writeString(gmlp.resolve("config.json"), g);
        CheckpointException extra =
                assertThrows(
                        CheckpointException.class,
                        () -> TimmImporter.importCheckpoint(gmlp, tmp.resolve("out2")));
        assertTrue(
                extra.getMessage().contains("unexpected tensor(s) blocks.1."), extra.getMessage());
    }

    @Test
    void nanWeightIsRefusedNamingTheTensor() throws IOException {
        Path ckpt = copyFixture("mixer_tiny");
        Path weights = ckpt.resolve("model.safetensors");
        String poisoned;
        try (NDManager m = NDManager.newBaseManager()) {
            NDList tensors = SafeTensors.read(m, weights);
            ai.djl.ndarray.NDArray last = tensors.get(tensors.size() - 1);
            poisoned = last.getName();
            float[] values =
                    last.toType(ai.djl.ndarray.types.DataType.FLOAT32, true).toFloatArray();
            values[0] = Float.NaN;
            ai.djl.ndarray.NDArray bad = m.create(values, last.getShape());
            bad.setName(poisoned);
            tensors.set(tensors.size() - 1, bad);
            Files.delete(weights);
            SafeTensors.write(tensors, weights);
        }
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> TimmImporter.importCheckpoint(ckpt, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("'" + poisoned + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("NaN or infinite"), e.getMessage());
    }

    @Test
    void truncatedSafetensorsIsRefused() throws IOException {
        Path ckpt = copyFixture("mixer_tiny");
        Path weights = ckpt.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> TimmImporter.importCheckpoint(ckpt, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.write(weights, java.util.Arrays.copyOf(bytes, 5));
        e =
                assertThrows(
                        IOException.class,
                        () -> TimmImporter.importCheckpoint(ckpt, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void patchSizeThatDoesNotDivideIsNamed() throws IOException {
        Path ckpt = copyFixture("mixer_tiny");
        String json =
                Files.readString(ckpt.resolve("config.json"))
                        .replace("\"patch_size\": 8", "\"patch_size\": 7");
        Files.writeString(ckpt.resolve("config.json"), json);
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> TimmImporter.importCheckpoint(ckpt, tmp.resolve("out")));
        assertTrue(
                e.getMessage().contains("'patch_size' (7) does not divide field 'img_size' (32)"),
                e.getMessage());
    }

    private Path copyFixture(String name) throws IOException {
        Path src = Fixtures.reference().resolve(name);
        Path dst = tmp.resolve("ckpt-" + name);
        Files.createDirectories(dst);
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(src.resolve(f), dst.resolve(f));
        }
        return dst;
    }
}
