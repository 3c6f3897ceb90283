package ai.mlpzoo.loading.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import ai.mlpzoo.loading.Importers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vision references with their own checkpoint layout (MS-MLP, RaftMLP, Strip-MLP): imported
 * with {@code --format <family>}, the model directory reproduces the reference's {@code output} and
 * {@code pre_logits} on the fixture's input; a bad checkpoint is refused naming the tensor.
 */
class ReferenceVisionImportTest {

    @TempDir Path tmp;

    /** A vision2 fixture by name, or one of ours by its path under fixtures/reference. */
    static Path fixture(String name) {
        return name.contains("/")
                ? Fixtures.reference().resolve(name)
                : Fixtures.reference().resolve("vision2").resolve(name);
    }

    @ParameterizedTest
    @CsvSource({
        "ms-mlp, ms_mlp_tiny",
        "raft-mlp, raft_mlp_tiny",
        "raft-mlp, raft_mlp_cross_tiny",
        "strip-mlp, strip_mlp_tiny",
        "strip-mlp, vision-extra/strip_mlp_grid14"
    })
    void importedModelMatchesTheReference(String format, String name) throws Exception {
        Path out = tmp.resolve(name.replace('/', '_'));
        ModelConfig config = Importers.get(format).importCheckpoint(fixture(name), out);
        assertTrue(config.toString().contains("classes=10"), config.toString());
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io = SafeTensors.read(manager, fixture(name + ".io.safetensors"));
            NDList result = predictor.predict(new NDList(Fixtures.get(io, "input")));
            float outDiff = Fixtures.maxAbsDiff(result.get(0), Fixtures.get(io, "output"));
            float featDiff = Fixtures.maxAbsDiff(result.get(1), Fixtures.get(io, "pre_logits"));
            System.out.printf("%s parity: output %.3g, pre_logits %.3g%n", name, outDiff, featDiff);
            assertTrue(outDiff < 1e-4, "output differs by " + outDiff);
            assertTrue(featDiff < 1e-4, "pre_logits differs by " + featDiff);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "ms-mlp, ms_mlp_tiny",
        "raft-mlp, raft_mlp_tiny",
        "raft-mlp, raft_mlp_cross_tiny",
        "strip-mlp, strip_mlp_tiny"
    })
    void missingOrMisshapedTensorIsRefusedNamingTheKey(String format, String name)
            throws IOException {
        Path ckpt = copy(name);
        Path weights = ckpt.resolve("model.safetensors");
        String dropped;
        String reshaped;
        try (NDManager m = NDManager.newBaseManager()) {
            NDList tensors = SafeTensors.read(m, weights);
            dropped = tensors.get(3).getName();
            NDList fewer = new NDList();
            tensors.stream().filter(t -> !t.getName().equals(dropped)).forEach(fewer::add);
            Files.delete(weights);
            SafeTensors.write(fewer, weights);
            CheckpointException e =
                    assertThrows(
                            CheckpointException.class,
                            () -> Importers.get(format).importCheckpoint(ckpt, tmp.resolve("o1")));
            assertTrue(e.getMessage().contains("missing tensor(s) " + dropped), e.getMessage());

            reshaped = pickWeight(tensors);
            NDList bent = new NDList();
            for (NDArray t : tensors) {
                if (t.getName().equals(reshaped)) {
                    NDArray flat = t.flatten();
                    flat.setName(reshaped);
                    bent.add(flat);
                } else {
                    bent.add(t);
                }
            }
            Files.delete(weights);
            SafeTensors.write(bent, weights);
        }
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> Importers.get(format).importCheckpoint(ckpt, tmp.resolve("o2")));
        assertTrue(e.getMessage().contains("tensor '" + reshaped + "' has shape"), e.getMessage());
    }

    /** A 2-d (or more) weight, so that flattening it changes its shape. */
    private static String pickWeight(NDList tensors) {
        return tensors.stream()
                .filter(t -> t.getShape().dimension() >= 2)
                .map(NDArray::getName)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void impossibleConfigIsRefusedNamingTheFileAndField() throws IOException {
        Path ckpt = copy("ms_mlp_tiny");
        Path json = ckpt.resolve("config.json");
        Files.writeString(
                json,
                Files.readString(json).replaceFirst("\"depths\": \\[[^]]*]", "\"depths\": []"));
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("ms-mlp").importCheckpoint(ckpt, tmp.resolve("o")));
        assertTrue(
                e.getMessage().contains(json.toString())
                        && e.getMessage().contains("'depths' must list at least one stage"),
                e.getMessage());
    }

    @Test
    void raftSizeThatDoesNotDivideTheWidthIsRefused() throws IOException {
        Path ckpt = copy("raft_mlp_tiny");
        Path json = ckpt.resolve("config.json");
        Files.writeString(
                json, Files.readString(json).replaceFirst("\"raft_size\": 2", "\"raft_size\": 3"));
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("raft-mlp").importCheckpoint(ckpt, tmp.resolve("o")));
        assertTrue(
                e.getMessage().contains(json.toString())
                        && e.getMessage()
                                .contains(
                                        "field 'layers[0].raft_size' (3) does not divide field"
                                                + " 'layers[0].dim' (32)"),
                e.getMessage());
    }

    @Test
    void stripGroupsThatDoNotDivideTheChannelsAreRefused() throws IOException {
        Path ckpt = copy("strip_mlp_tiny");
        Path json = ckpt.resolve("config.json");
        Files.writeString(
                json, Files.readString(json).replace("\"embed_dim\": 20", "\"embed_dim\": 36"));
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("strip-mlp").importCheckpoint(ckpt, tmp.resolve("o")));
        assertTrue(
                e.getMessage().contains(json.toString())
                        && e.getMessage().contains("stage 0 has 36 channels"),
                e.getMessage());
    }

    @Test
    void anotherFamilysCheckpointIsRefused() throws IOException {
        Path ckpt = copy("ms_mlp_tiny");
        Path json = ckpt.resolve("config.json");
        Files.writeString(
                json,
                Files.readString(json)
                        .replace("\"family\": \"ms-mlp\"", "\"family\": \"raft-mlp\""));
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("ms-mlp").importCheckpoint(ckpt, tmp.resolve("o")));
        assertTrue(e.getMessage().contains("'raft-mlp' checkpoint"), e.getMessage());
    }

    private Path copy(String name) throws IOException {
        Path src = fixture(name);
        Path dst = tmp.resolve("ckpt-" + name);
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dst.resolve(f.getFileName()));
                dst.resolve(f.getFileName()).toFile().setWritable(true);
            }
        }
        return dst;
    }

    @Test
    void formatsAreRegistered() {
        assertEquals("ms-mlp", Importers.get("ms-mlp").format());
    }
}
