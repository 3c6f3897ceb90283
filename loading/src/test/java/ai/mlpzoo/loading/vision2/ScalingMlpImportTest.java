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

/**
 * Scaling MLPs' {@code BottleneckMLP} imported with {@code --format scaling-mlp} reproduces the
 * reference fixture ({@code vision2/scaling_mlp_tiny}) on {@code output} and {@code pre_logits},
 * from the flat input and from the image batch; bad checkpoints are refused naming the key.
 */
class ScalingMlpImportTest {

    private static final String FIXTURE = "scaling_mlp_tiny";

    @TempDir Path tmp;

    private static Path fixture() {
        return Fixtures.reference().resolve("vision2").resolve(FIXTURE);
    }

    @Test
    void importedModelDirectoryMatchesTheReference() throws Exception {
        Path out = tmp.resolve("model");
        Importers.get("scaling-mlp").importCheckpoint(fixture(), out);
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io =
                    SafeTensors.read(
                            manager, fixture().resolveSibling(FIXTURE + ".io.safetensors"));
            NDList flat = predictor.predict(new NDList(Fixtures.get(io, "input")));
            assertEquals("output", flat.get(0).getName());
            assertEquals("pre_logits", flat.get(1).getName());
            float out0 = Fixtures.maxAbsDiff(flat.get(0), Fixtures.get(io, "output"));
            float pre = Fixtures.maxAbsDiff(flat.get(1), Fixtures.get(io, "pre_logits"));
            NDList image = predictor.predict(new NDList(Fixtures.get(io, "input_image")));
            float img = Fixtures.maxAbsDiff(image.get(0), Fixtures.get(io, "output"));
            System.out.printf(
                    "%s parity: output %.3g, pre_logits %.3g, from the image %.3g%n",
                    FIXTURE, out0, pre, img);
            assertTrue(out0 < 1e-4, "output differs by " + out0);
            assertTrue(pre < 1e-4, "pre_logits differs by " + pre);
            assertTrue(img < 1e-4, "output from the image batch differs by " + img);
        }
    }

    /** A copy of the fixture whose weights are rewritten by {@code edit}. */
    private Path editedCheckpoint(String drop, String reshape) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Files.copy(fixture().resolve("config.json"), dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDList kept = new NDList();
            for (NDArray t : SafeTensors.read(m, fixture().resolve("model.safetensors"))) {
                if (t.getName().equals(drop)) {
                    continue;
                }
                if (t.getName().equals(reshape)) {
                    NDArray cut = t.get("1:"); // one row fewer
                    cut.setName(t.getName());
                    t = cut;
                }
                kept.add(t);
            }
            SafeTensors.write(kept, dir.resolve("model.safetensors"));
        }
        return dir;
    }

    @Test
    void missingTensorIsRefusedNamingTheKey() throws Exception {
        Path ckpt = editedCheckpoint("blocks.1.block.2.weight", null);
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () ->
                                Importers.get("scaling-mlp")
                                        .importCheckpoint(ckpt, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("missing tensor")
                        && e.getMessage().contains("blocks.1.block.2.weight"),
                e.getMessage());
    }

    @Test
    void misshapedTensorIsRefusedNamingTheKey() throws Exception {
        Path ckpt = editedCheckpoint(null, "linear_in.weight");
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () ->
                                Importers.get("scaling-mlp")
                                        .importCheckpoint(ckpt, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("'linear_in.weight' has shape (63, 3072)")
                        && e.getMessage().contains("needs (64, 3072)"),
                e.getMessage());
    }

    @Test
    void bottleneckWiderThanItsBlockIsRefusedNamingTheField() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("wide"));
        Files.copy(fixture().resolve("model.safetensors"), dir.resolve("model.safetensors"));
        String json =
                Files.readString(fixture().resolve("config.json"))
                        .replaceFirst("256,", "32,"); // block 0 becomes [32, 64]
        Files.writeString(dir.resolve("config.json"), json);
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("scaling-mlp").importCheckpoint(dir, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("config.json")
                        && e.getMessage().contains("field 'block_dims[0]'")
                        && e.getMessage().contains("wider than its block"),
                e.getMessage());
    }
}
