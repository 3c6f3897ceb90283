package ai.mlpzoo.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.blocks.common.InputContract;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --format timm} on the second set of vision fixtures (fixtures/reference/vision2): the
 * imported model reproduces timm's {@code output} and {@code pre_logits}; a checkpoint with a
 * missing or misshaped tensor and an image of the wrong size are refused with messages naming them.
 */
class TimmVision2ImportTest {

    @TempDir Path tmp;

    static Path fixture(String name) {
        return Fixtures.reference().resolve("vision2").resolve(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gmixer_tiny", "poolformer_tiny"})
    void importedModelMatchesTimm(String name) throws Exception {
        Path out = tmp.resolve(name);
        ModelConfig config = TimmImporter.importCheckpoint(fixture(name), out);
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io = SafeTensors.read(manager, fixture(name + ".io.safetensors"));
            NDArray input = Fixtures.get(io, "input");
            assertEquals(config.inputShape().slice(1), input.getShape().slice(1), "input size");
            InputContract.check(model.getBlock(), input, "input"); // the fixture's image fits
            NDList result = predictor.predict(new NDList(input));
            float outDiff = Fixtures.maxAbsDiff(result.get(0), Fixtures.get(io, "output"));
            float featDiff = Fixtures.maxAbsDiff(result.get(1), Fixtures.get(io, "pre_logits"));
            System.out.printf("%s parity: output %.3g, pre_logits %.3g%n", name, outDiff, featDiff);
            assertTrue(outDiff < 1e-4, "output differs by " + outDiff);
            assertTrue(featDiff < 1e-4, "pre_logits differs by " + featDiff);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "gmixer_tiny, blocks.1.mlp_tokens.fc2.weight",
        "poolformer_tiny, stages.3.downsample.conv.bias"
    })
    void missingTensorIsNamed(String name, String tensor) throws IOException {
        Path ckpt = rewrite(name, tensor, null);
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> TimmImporter.importCheckpoint(ckpt, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("missing tensor(s) " + tensor), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "gmixer_tiny, blocks.0.mlp_channels.fc1.weight",
        "poolformer_tiny, stages.2.blocks.1.layer_scale2.scale"
    })
    void misshapedTensorIsNamed(String name, String tensor) throws IOException {
        Path ckpt = rewrite(name, tensor, new Shape(3, 5));
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> TimmImporter.importCheckpoint(ckpt, tmp.resolve("out")));
        assertTrue(
                e.getMessage().contains("tensor '" + tensor + "' has shape (3, 5)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("but the architecture needs"), e.getMessage());
    }

    /**
     * gMixer takes exactly its img_size (the token MLPs are sized by the patch count); PoolFormer
     * takes any size of at least 3x3 (its stem's reach) with its channel count.
     */
    @ParameterizedTest
    @CsvSource({
        "gmixer_tiny, 3, 28, 28, '(batch, 3, 32, 32)'",
        "gmixer_tiny, 1, 32, 32, '(batch, 3, 32, 32)'",
        "poolformer_tiny, 3, 2, 2, 'at least 3x3 pixels'",
        "poolformer_tiny, 1, 64, 64, '(batch, 3, *, *)'"
    })
    void imageOfTheWrongSizeIsNamed(String name, int c, int h, int w, String expected)
            throws IOException {
        Path out = tmp.resolve(name);
        ModelConfig config = TimmImporter.importCheckpoint(fixture(name), out);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray image = m.zeros(new Shape(1, c, h, w));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> InputContract.check(config.toBlock(), image, "input"));
            assertTrue(e.getMessage().contains(expected), e.getMessage());
            assertTrue(
                    e.getMessage().contains("(1, " + c + ", " + h + ", " + w + ")"),
                    e.getMessage());
        }
    }

    /** model_args that no network can have are refused naming the file and the field. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "gmixer_tiny | embed_dim | 33 | must be even",
                "gmixer_tiny | patch_size | 5 | 'patch_size' (5) does not divide field 'img_size' (32)",
                "poolformer_tiny | depths | [] | 'depths' must hold at least one stage",
                "poolformer_tiny | dims | [16, 24, 32] | 'dims' must hold one width per stage (4",
                "poolformer_tiny | depths | [1, 0, 2, 1] | 'depths[1]' must be positive"
            })
    void impossibleModelArgsAreNamed(String name, String field, String value, String expected)
            throws IOException {
        Path dst = tmp.resolve("args-" + name);
        Files.createDirectories(dst);
        Files.copy(fixture(name).resolve("model.safetensors"), dst.resolve("model.safetensors"));
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode)
                        ai.mlpzoo.config.Configs.MAPPER.readTree(
                                fixture(name).resolve("config.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model_args"))
                .set(field, ai.mlpzoo.config.Configs.MAPPER.readTree(value));
        Path configJson = dst.resolve("config.json");
        Files.writeString(configJson, ai.mlpzoo.config.Configs.toJson(root));
        ai.mlpzoo.config.ConfigException e =
                assertThrows(
                        ai.mlpzoo.config.ConfigException.class,
                        () -> TimmImporter.importCheckpoint(dst, tmp.resolve("out")));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(configJson.toString()), e.getMessage());
    }

    /** A copy of a fixture's checkpoint with {@code tensor} removed (shape null) or reshaped. */
    private Path rewrite(String name, String tensor, Shape shape) throws IOException {
        Path dst = tmp.resolve("ckpt-" + name);
        Files.createDirectories(dst);
        Files.copy(fixture(name).resolve("config.json"), dst.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDList tensors = SafeTensors.read(m, fixture(name).resolve("model.safetensors"));
            NDList kept = new NDList();
            boolean found = false;
            for (NDArray t : tensors) {
                if (!t.getName().equals(tensor)) {
                    kept.add(t);
                    continue;
                }
                found = true;
                if (shape != null) {
                    NDArray bad = m.zeros(shape);
                    bad.setName(tensor);
                    kept.add(bad);
                }
            }
            assertTrue(found, tensor + " is in " + name);
            SafeTensors.write(kept, dst.resolve("model.safetensors"));
        }
        return dst;
    }
}
