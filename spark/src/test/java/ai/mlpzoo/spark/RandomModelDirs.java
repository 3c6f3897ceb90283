package ai.mlpzoo.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.translate.VectorTranslatorFactory;
import ai.mlpzoo.zoo.ModelDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Vector-model directories with seeded random weights, for the Spark tests. */
final class RandomModelDirs {

    private RandomModelDirs() {}

    /**
     * Writes a model directory of the architecture with weights from N(0, 0.25) (seed 7), read by
     * the vector translator, with its sha256 sidecars.
     *
     * @param parent where to create the directory
     * @param json the model config
     * @param name the directory's and config's name
     * @return the directory
     */
    static Path save(Path parent, String json, String name) throws Exception {
        ModelConfig config = Configs.read(json.getBytes(StandardCharsets.UTF_8), name);
        Block block = config.toBlock();
        Path dir = parent.resolve(name);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            Random r = new Random(7);
            for (var p : block.getParameters().values()) {
                var a = p.getArray();
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * 0.5);
                }
                a.set(v);
            }
            ModelDirs.save(
                    dir,
                    config,
                    block,
                    null,
                    Map.of("translatorFactory", VectorTranslatorFactory.class.getName()));
        }
        assertTrue(Files.isRegularFile(dir.resolve(ModelDirs.CHECKSUM)));
        return dir;
    }
}
