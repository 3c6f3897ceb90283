package ai.mlpzoo.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.train.ImageClassifierTrainer;
import ai.mlpzoo.train.LogitsLoss;
import ai.mlpzoo.zoo.ModelDirs;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mlpzoo eval <model-dir> --dataset fashion-mnist}: test accuracy of a classifier. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Test accuracy on Fashion-MNIST (the full test set when installed, else the embedded 1,000-image slice).")
final class EvalCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "<artifact-or-model-dir>",
            description =
                    "a model directory, or a zoo artifact as artifact[/variant] (variant defaults to fmnist)")
    String model;

    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "only fashion-mnist")
    String dataset;

    @Option(
            names = "--embedded",
            description = "use the embedded 1,000-image slice even when the data set is installed")
    boolean embedded;

    @Override
    public Integer call() throws Exception {
        if (!"fashion-mnist".equals(dataset)) {
            throw new IllegalArgumentException(
                    "unknown dataset '" + dataset + "'; known: fashion-mnist");
        }
        Path dir = Paths.get(model);
        Criteria<NDList, NDList> criteria;
        if (Files.isDirectory(dir)) {
            ai.mlpzoo.zoo.ModelDirs.checkSafe(dir); // data only, before DJL reads it
            criteria =
                    Criteria.builder()
                            .setTypes(NDList.class, NDList.class)
                            .optModelPath(dir)
                            .build();
        } else if (model.matches("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?")) {
            String[] parts = model.split("/");
            criteria =
                    Criteria.builder()
                            .setTypes(NDList.class, NDList.class)
                            .optGroupId("ai.mlpzoo")
                            .optArtifactId(parts[0])
                            .optFilter("variant", parts.length > 1 ? parts[1] : "fmnist")
                            .build();
        } else {
            throw new NoSuchFileException(model, null, "model directory not found");
        }
        FashionMnist test =
                embedded ? FashionMnist.embeddedTestSlice() : FashionMnist.testSetOrSlice();
        long t0 = System.nanoTime();
        double[] result;
        try (ZooModel<NDList, NDList> zoo = ai.mlpzoo.zoo.MlpZoo.loadModel(criteria);
                NDManager manager = NDManager.newBaseManager()) {
            ModelConfig config = ModelDirs.readArchitecture(zoo.getModelPath());
            result =
                    ImageClassifierTrainer.evaluate(
                            zoo.getBlock(), manager, test, config.inputShape(), new LogitsLoss(0));
        }
        if (!Double.isFinite(result[0])) {
            // A NaN loss means NaN outputs: the accuracy printed beside it would be meaningless.
            throw new IllegalStateException(
                    model
                            + ": the model's outputs are not finite (test loss "
                            + result[0]
                            + "): its weights are corrupt or diverged");
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%s: test accuracy %.2f%% (loss %.4f) on %d images%s in %.1f s%n",
                model,
                100 * result[1],
                result[0],
                test.size(),
                test.size() == 10000 ? " (full test set)" : " (embedded slice)",
                secs);
        return 0;
    }
}
