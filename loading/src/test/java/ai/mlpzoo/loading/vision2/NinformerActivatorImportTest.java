package ai.mlpzoo.loading.vision2;

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
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import ai.mlpzoo.loading.Importers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NiNformer and Activator imported with {@code --format ninformer} / {@code --format activator}
 * reproduce the reference fixtures ({@code vision2/ninformer_tiny}, {@code vision2/activator_tiny})
 * on {@code output} and {@code pre_logits}; bad checkpoints are refused naming the reference's key
 * or the config field.
 */
class NinformerActivatorImportTest {

    @TempDir Path tmp;

    private static Path fixture(String name) {
        return Fixtures.reference().resolve("vision2").resolve(name);
    }

    @ParameterizedTest
    @CsvSource({"ninformer_tiny, ninformer", "activator_tiny, activator"})
    void importedModelDirectoryMatchesTheReference(String fixture, String format) throws Exception {
        Path out = tmp.resolve("model");
        Importers.get(format).importCheckpoint(fixture(fixture), out);
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io =
                    SafeTensors.read(
                            manager, fixture(fixture).resolveSibling(fixture + ".io.safetensors"));
            NDList result = predictor.predict(new NDList(Fixtures.get(io, "input")));
            assertEquals("output", result.get(0).getName());
            assertEquals("pre_logits", result.get(1).getName());
            float out0 = Fixtures.maxAbsDiff(result.get(0), Fixtures.get(io, "output"));
            float pre = Fixtures.maxAbsDiff(result.get(1), Fixtures.get(io, "pre_logits"));
            System.out.printf("%s parity: output %.3g, pre_logits %.3g%n", fixture, out0, pre);
            assertTrue(out0 < 1e-4, fixture + " output differs by " + out0);
            assertTrue(pre < 1e-4, fixture + " pre_logits differs by " + pre);
        }
    }

    /** A copy of a fixture without {@code drop} and with {@code cut} one row shorter. */
    private Path edited(String fixture, String drop, String cut) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ckpt-" + fixture));
        Files.copy(fixture(fixture).resolve("config.json"), dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDList kept = new NDList();
            for (NDArray t : SafeTensors.read(m, fixture(fixture).resolve("model.safetensors"))) {
                if (t.getName().equals(drop)) {
                    continue;
                }
                if (t.getName().equals(cut)) {
                    NDArray shorter = t.get("1:");
                    shorter.setName(t.getName());
                    t = shorter;
                }
                kept.add(t);
            }
            SafeTensors.write(kept, dir.resolve("model.safetensors"));
        }
        return dir;
    }

    @ParameterizedTest
    @CsvSource({
        "ninformer_tiny, ninformer, model.1.mgu.Mixer.token_mix.2.net.3.weight",
        "activator_tiny, activator, model.0.actgu.proj_2.bias"
    })
    void missingTensorIsRefusedNamingTheReferenceKey(String fixture, String format, String key)
            throws Exception {
        Path ckpt = edited(fixture, key, null);
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> Importers.get(format).importCheckpoint(ckpt, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("missing tensor(s) " + key)
                        && e.getMessage().contains("model.safetensors"),
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "ninformer_tiny, ninformer, model.0.mgu.Mixer.channel_mix.1.net.0.weight, '(63, 32)',"
                + " '(64, 32)'",
        "activator_tiny, activator, patcher.weight, '(31, 3, 4, 4)', '(32, 3, 4, 4)'"
    })
    void misshapedTensorIsRefusedNamingTheReferenceKey(
            String fixture, String format, String key, String got, String want) throws Exception {
        Path ckpt = edited(fixture, null, key);
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> Importers.get(format).importCheckpoint(ckpt, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("'" + key + "' has shape " + got)
                        && e.getMessage().contains("needs " + want),
                e.getMessage());
    }

    @Test
    void impossibleConfigIsRefusedNamingTheFileAndField() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("seq"));
        Path src = fixture("ninformer_tiny");
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(
                dir.resolve("config.json"),
                Files.readString(src.resolve("config.json"))
                        .replace("\"seq_len\": 64", "\"seq_len\": 49"));
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("ninformer").importCheckpoint(dir, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("config.json")
                        && e.getMessage().contains("field 'seq_len' (49)")
                        && e.getMessage().contains("(32 / 4)^2 = 64"),
                e.getMessage());
    }

    @Test
    void checkpointOfTheOtherFamilyIsRefused() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                Importers.get("activator")
                                        .importCheckpoint(
                                                fixture("ninformer_tiny"), tmp.resolve("m")));
        assertTrue(
                e.getMessage()
                        .contains(
                                "'ninformer' checkpoint cannot be imported with --format"
                                        + " activator"),
                e.getMessage());
    }
}
