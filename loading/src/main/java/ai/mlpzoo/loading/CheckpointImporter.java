package ai.mlpzoo.loading;

import ai.mlpzoo.config.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;

/** Turns a checkpoint of a Python reference library into an mlp-zoo model directory. */
public interface CheckpointImporter {

    /**
     * @return the {@code --format} name, such as {@code timm}
     */
    String format();

    /**
     * Imports a checkpoint folder.
     *
     * @param checkpointDir the reference library's folder
     * @param out the model directory to write
     * @return the imported architecture
     * @throws IOException when a file is missing, truncated or corrupt
     */
    ModelConfig importCheckpoint(Path checkpointDir, Path out) throws IOException;
}
