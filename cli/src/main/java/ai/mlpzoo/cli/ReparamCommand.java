package ai.mlpzoo.cli;

import ai.mlpzoo.config.RepMlpConfig;
import ai.mlpzoo.loading.RepMlpReparam;
import ai.mlpzoo.zoo.ModelDirs;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlpzoo reparam <model-dir> --out <model-dir>}: RepMLPNet's structural re-parameterisation
 * (Ding et al. 2022): folds every RepMLP block's BatchNorm and convolution branches into its
 * fully-connected layer and writes the deploy structure, which gives the same outputs faster.
 */
@Command(
        name = "reparam",
        mixinStandardHelpOptions = true,
        description =
                "Fold a RepMLPNet model's conv branches and BatchNorms into its FC layers (deploy"
                        + " structure, same outputs).")
final class ReparamCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "<model-dir>",
            description = "a training-structure RepMLPNet model directory")
    Path model;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "<model-dir>",
            description = "model directory to write")
    Path out;

    @Option(names = "--force", description = "replace an existing model directory at --out")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(model)) {
            throw new NoSuchFileException(model.toString(), null, "model directory not found");
        }
        ModelDirs.checkOutput(out, force, model);
        RepMlpConfig config = RepMlpReparam.reparameterize(model, out);
        System.out.println("re-parameterised " + config + " to " + out);
        return 0;
    }
}
