package ai.mlpzoo.zoo;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.mlpzoo.config.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@link BlockFactory} named by every mlp-zoo model directory's serving.properties: builds the
 * block that {@code architecture.json} describes and checks the params file's checksum, so that DJL
 * then loads the parameters into a block of the right shape.
 */
public class MlpZooBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
        if ("OnnxRuntime".equals(model.getNDManager().getEngine().getEngineName())) {
            // ONNX Runtime runs the model.onnx beside the DJL files (mlpzoo export-onnx) and
            // refuses a block: the same directory then loads on either engine
            if (!java.nio.file.Files.isRegularFile(modelPath.resolve("model.onnx"))) {
                model.close();
                throw new IllegalArgumentException(
                        modelPath
                                + " has no model.onnx for ONNX Runtime: write it with mlpzoo export-onnx");
            }
            try {
                ModelDirs.verifyFile(modelPath.resolve("model.onnx"));
            } catch (IOException e) {
                model.close();
                throw new UncheckedIOException(e.getMessage(), e);
            }
            return null;
        }
        Path dir = modelPath.toAbsolutePath().normalize();
        Object name = arguments.get("architecture");
        String file = name == null ? ModelDirs.ARCHITECTURE : name.toString();
        if (!ModelDirs.ARCHITECTURE.equals(file)) {
            throw new IllegalArgumentException(
                    "serving.properties: architecture must be "
                            + ModelDirs.ARCHITECTURE
                            + ", got "
                            + file);
        }
        try {
            ModelConfig config = ModelDirs.readArchitecture(dir);
            ModelDirs.verifyParams(dir);
            WeightsMatch.check(dir, config, model.getNDManager());
            return config.toBlock();
        } catch (IOException e) {
            model.close(); // DJL drops the half-made model when the factory fails
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
