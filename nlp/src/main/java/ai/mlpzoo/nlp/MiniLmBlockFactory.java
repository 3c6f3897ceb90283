package ai.mlpzoo.nlp;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The {@link BlockFactory} of the zoo's {@code minilm}: on PyTorch (and any engine that runs DJL
 * blocks) the {@link ai.mlpzoo.blocks.bert.BertEncoder} with the weights read from the packaged
 * ONNX file by its graph; on ONNX Runtime no block, and the original file is put into the model
 * directory as {@code model.onnx} for ONNX Runtime to run as is.
 */
public class MiniLmBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
        try {
            if ("OnnxRuntime".equals(model.getNDManager().getEngine().getEngineName())) {
                Path file = modelPath.resolve("model.onnx");
                if (!Files.isRegularFile(file)) {
                    // written beside and renamed: a concurrent load never sees half a file
                    Path tmp = Files.createTempFile(modelPath, "model", ".onnx.tmp");
                    try (InputStream in = MiniLm.open(MiniLm.ONNX_RESOURCE)) {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
                return null;
            }
            return MiniLm.load(model.getNDManager());
        } catch (IOException e) {
            model.close(); // DJL drops the half-made model when the factory fails
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
