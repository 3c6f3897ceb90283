package ai.mlpzoo.zoo;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.mlpzoo.config.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@link BlockFactory} of an architecture-only model directory (serving.properties with {@code
 * option.hasParameter=false} and no params file): builds the block that {@code architecture.json}
 * describes and initialises it with the family's own (timm's) initialisers. Argument {@code seed}
 * (e.g. {@code Criteria.optArgument("seed", 7)}) makes the weights reproducible; it seeds the
 * engine's global generator.
 *
 * <p>For real weights of such an architecture, import a checkpoint ({@code mlpzoo import --format
 * timm ckpt --out dir}) and load that directory with {@code Criteria.optModelPath(dir)}.
 */
public class RandomInitBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
        try {
            Path dir = modelPath.toAbsolutePath().normalize();
            ModelConfig config = ModelDirs.readArchitecture(dir);
            ModelDirs.verifyParams(
                    dir); // a params file here is loaded by DJL after us: never unchecked
            WeightsMatch.check(dir, config, model.getNDManager());
            Block block = config.toBlock();
            Object seed = arguments.get("seed");
            if (seed != null) {
                model.getNDManager()
                        .getEngine()
                        .setRandomSeed(Integer.parseInt(seed.toString().trim()));
            }
            block.initialize(model.getNDManager(), DataType.FLOAT32, config.inputShape());
            return block;
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
