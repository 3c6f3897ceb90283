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
import ai.mlpzoo.config.KatConfig;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import ai.mlpzoo.loading.Importers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KAT ({@code KATVisionTransformer} as {@code kat_tiny_patch16_224} with {@code model_args})
 * imported with {@code --format timm} reproduces the reference fixture {@code vision2/kat_tiny} on
 * {@code output} and {@code pre_logits}; bad checkpoints and configs are refused naming the key.
 */
class KatImportTest {

    private static final String FIXTURE = "kat_tiny";

    @TempDir Path tmp;

    private static Path fixture() {
        return Fixtures.reference().resolve("vision2").resolve(FIXTURE);
    }

    @Test
    void importedModelDirectoryMatchesTheReference() throws Exception {
        Path out = tmp.resolve("model");
        ModelConfig config = Importers.get("timm").importCheckpoint(fixture(), out);
        assertTrue(config instanceof KatConfig, config.toString());
        KatConfig kat = (KatConfig) config;
        assertEquals(32, kat.embedDim);
        assertEquals("kat_tiny_patch16_224", kat.name);
        assertEquals("swish", kat.actInit);
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io =
                    SafeTensors.read(
                            manager, fixture().resolveSibling(FIXTURE + ".io.safetensors"));
            NDList result = predictor.predict(new NDList(Fixtures.get(io, "input")));
            assertEquals("output", result.get(0).getName());
            assertEquals("pre_logits", result.get(1).getName());
            float out0 = Fixtures.maxAbsDiff(result.get(0), Fixtures.get(io, "output"));
            float pre = Fixtures.maxAbsDiff(result.get(1), Fixtures.get(io, "pre_logits"));
            System.out.printf("%s parity: output %.3g, pre_logits %.3g%n", FIXTURE, out0, pre);
            assertTrue(out0 < 1e-4, "output differs by " + out0);
            assertTrue(pre < 1e-4, "pre_logits differs by " + pre);
        }
    }

    private Path editedCheckpoint(String drop, String reshape, String configFrom, String configTo)
            throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Files.writeString(
                dir.resolve("config.json"),
                Files.readString(fixture().resolve("config.json")).replace(configFrom, configTo));
        try (NDManager m = NDManager.newBaseManager()) {
            NDList kept = new NDList();
            for (NDArray t : SafeTensors.read(m, fixture().resolve("model.safetensors"))) {
                if (t.getName().equals(drop)) {
                    continue;
                }
                if (t.getName().equals(reshape)) {
                    NDArray cut = t.get("1:");
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
    void missingFusedQkvIsRefusedNamingTheKey() throws Exception {
        Path ckpt = editedCheckpoint("blocks.1.attn.qkv.weight", null, "", "");
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> Importers.get("timm").importCheckpoint(ckpt, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("missing tensor blocks.1.attn.qkv.weight (96, 32)"),
                e.getMessage());
    }

    @Test
    void misshapedTensorsAreRefusedNamingTheKey() throws Exception {
        Path qkv = editedCheckpoint(null, "blocks.0.attn.qkv.bias", "", "");
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> Importers.get("timm").importCheckpoint(qkv, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("'blocks.0.attn.qkv.bias' has shape (95)"), e.getMessage());
        Path pos = tmp.resolve("pos");
        Files.move(editedCheckpoint(null, "blocks.1.mlp.act2.weight_denominator", "", ""), pos);
        e =
                assertThrows(
                        CheckpointException.class,
                        () -> Importers.get("timm").importCheckpoint(pos, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("'blocks.1.mlp.act2.weight_denominator' has shape (7, 4)"),
                e.getMessage());
    }

    @Test
    void headsThatDoNotDivideTheWidthAreRefusedNamingTheField() throws Exception {
        Path ckpt = editedCheckpoint(null, null, "\"num_heads\": 2", "\"num_heads\": 3");
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("timm").importCheckpoint(ckpt, tmp.resolve("m")));
        assertTrue(
                e.getMessage().contains("config.json")
                        && e.getMessage().contains("field 'num_heads' (3) does not divide")
                        && e.getMessage().contains("field 'embed_dim' (32)"),
                e.getMessage());
    }
}
