package ai.mlpzoo.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.timeseries.Ett;
import ai.mlpzoo.data.timeseries.ForecastData;
import ai.mlpzoo.data.timeseries.ForecastDatasets;
import ai.mlpzoo.train.ForecastMetrics;
import ai.mlpzoo.train.ForecastTrainer;
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

/**
 * {@code mlpzoo eval <model-dir> --dataset fashion-mnist}: test accuracy of a classifier; for a
 * forecaster, {@code --dataset etth1|etth2|<csv>}: the z-scored test MSE and MAE over every window,
 * and over the windows TimeMixer's drop_last test loader keeps.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Test accuracy on Fashion-MNIST (the full test set when installed, else the embedded"
                        + " 1,000-image slice); for a forecaster, the test MSE and MAE on ETT or a CSV.")
final class EvalCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "<artifact-or-model-dir>",
            description =
                    "a model directory, or a zoo artifact as artifact[/variant] (variant defaults to fmnist)")
    String model;

    @Option(
            names = "--dataset",
            description =
                    "fashion-mnist (classifiers, the default); etth1, etth2 or a CSV file"
                            + " (forecasters; default: the one in the model's metadata)")
    String dataset;

    @Option(
            names = "--data-dir",
            paramLabel = "<dir>",
            description =
                    "forecasters: the folder with ETTh1.csv/ETTh2.csv (default: -Dmlpzoo.ett.dir,"
                            + " else ../shared/data/ett)")
    Path dataDir;

    @Option(
            names = "--split",
            paramLabel = "TRAIN,VAL,TEST",
            description =
                    "forecasters on a CSV: chronological fractions (default: the training run's,"
                            + " else 0.7,0.1,0.2)")
    String split;

    @Option(
            names = "--embedded",
            description = "use the embedded 1,000-image slice even when the data set is installed")
    boolean embedded;

    @Option(names = "--precision", paramLabel = "fp32|bf16|int8", description = Precision.HELP)
    String precision;

    @Override
    public Integer call() throws Exception {
        Precision p = Precision.parse(precision);
        // an artifact id is a forecaster's when the data set is a series
        boolean series = dataset != null && !"fashion-mnist".equals(dataset);
        try (Forecasting.Loaded f = Forecasting.loadIfForecaster(model, series)) {
            if (f != null) {
                if (p != Precision.FP32) {
                    throw new IllegalArgumentException(
                            "--precision "
                                    + precision
                                    + " applies to image classifiers; "
                                    + model
                                    + " is a forecaster");
                }
                return evalForecaster(f);
            }
        }
        if (dataDir != null || split != null) {
            throw new IllegalArgumentException(
                    "--data-dir and --split apply to forecasting models; " + model + " is not one");
        }
        if (dataset == null) {
            dataset = "fashion-mnist";
        }
        if (!"fashion-mnist".equals(dataset)) {
            throw new IllegalArgumentException(
                    "unknown dataset '" + dataset + "'; known: fashion-mnist");
        }
        Path dir = Paths.get(model);
        if (p == Precision.INT8) {
            return evalInt8(Precision.requireInt8(Files.isDirectory(dir) ? dir : null, model));
        }
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

    /**
     * Test accuracy of {@code model.int8.onnx} on ONNX Runtime: the same normalised batches of 500
     * as {@link ImageClassifierTrainer#evaluate}, the loss the mean cross-entropy of the logits.
     */
    private int evalInt8(Path dir) throws Exception {
        ai.mlpzoo.zoo.ModelDirs.checkSafe(dir); // data only, before DJL reads it
        ai.mlpzoo.zoo.ModelDirs.verifyFile(dir.resolve(ai.mlpzoo.onnx.Int8Quantizer.FILE_NAME));
        ModelConfig config = ModelDirs.readArchitecture(dir);
        FashionMnist test =
                embedded ? FashionMnist.embeddedTestSlice() : FashionMnist.testSetOrSlice();
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(dir)
                        .optModelName(ai.mlpzoo.onnx.Int8Quantizer.MODEL_NAME)
                        .optEngine("OnnxRuntime")
                        .build();
        long t0 = System.nanoTime();
        double lossSum = 0;
        long correct = 0;
        int batch = 500;
        try (ZooModel<NDList, NDList> zoo = criteria.loadModel();
                ai.djl.inference.Predictor<NDList, NDList> predictor = zoo.newPredictor()) {
            for (int start = 0; start < test.size(); start += batch) {
                int b = Math.min(batch, test.size() - start);
                int[] idx = new int[b];
                for (int i = 0; i < b; i++) {
                    idx[i] = start + i;
                }
                long[] dims = config.inputShape().getShape().clone();
                dims[0] = b;
                try (NDManager sub = zoo.getNDManager().newSubManager()) {
                    // (b, ...) normalised images, in the model's input shape
                    ai.djl.ndarray.NDArray x =
                            test.batch(sub, idx).reshape(new ai.djl.ndarray.types.Shape(dims));
                    x.setName(ai.mlpzoo.onnx.OnnxExporter.INPUT);
                    float[] logits = predictor.predict(new NDList(x)).get(0).toFloatArray();
                    int classes = logits.length / b;
                    for (int i = 0; i < b; i++) {
                        int label = test.labels()[start + i];
                        int best = 0;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int k = 0; k < classes; k++) {
                            float v = logits[i * classes + k];
                            if (!Float.isFinite(v)) {
                                throw new IllegalStateException(
                                        dir + ": the int8 model's outputs are not finite");
                            }
                            if (v > max) {
                                max = v;
                                best = k;
                            }
                        }
                        double sum = 0;
                        for (int k = 0; k < classes; k++) {
                            sum += Math.exp(logits[i * classes + k] - max);
                        }
                        lossSum += Math.log(sum) + max - logits[i * classes + label];
                        correct += best == label ? 1 : 0;
                    }
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s: test accuracy %.2f%% (loss %.4f) on %d images%s in %.1f s (int8, ONNX Runtime)%n",
                model,
                100.0 * correct / test.size(),
                lossSum / test.size(),
                test.size(),
                test.size() == 10000 ? " (full test set)" : " (embedded slice)",
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private int evalForecaster(Forecasting.Loaded f) throws Exception {
        String ds = dataset;
        if (ds == null) {
            com.fasterxml.jackson.databind.JsonNode d = f.metadata.get("dataset");
            if (d == null || !d.isTextual()) {
                throw new IllegalArgumentException(
                        model
                                + " does not name its data set in metadata.json: give --dataset "
                                + String.join("|", Ett.names())
                                + "|<file.csv>");
            }
            ds = d.asText();
        }
        double[] fractions = null;
        if (split != null) {
            fractions = ForecastDatasets.parseSplit(split);
        } else if (!Ett.isEtt(ds) && f.metadata.get("split") != null) {
            com.fasterxml.jackson.databind.JsonNode a = f.metadata.get("split");
            fractions =
                    new double[] {a.get(0).asDouble(), a.get(1).asDouble(), a.get(2).asDouble()};
        }
        long t0 = System.nanoTime();
        ForecastData data =
                ForecastDatasets.open(
                        ds, dataDir, f.config.contextLength(), f.config.horizon(), fractions);
        ForecastTrainer.requireFits(f.config, data);
        ForecastMetrics m;
        try (NDManager manager = NDManager.newBaseManager()) {
            m =
                    ForecastTrainer.evaluate(
                            f.model.getBlock(),
                            manager,
                            data,
                            ForecastData.Split.TEST,
                            f.config.timeFeatures());
        }
        if (!Double.isFinite(m.mse())) {
            throw new IllegalStateException(
                    model
                            + ": the model's forecasts are not finite (test MSE "
                            + m.mse()
                            + "): its weights are corrupt or diverged");
        }
        printForecastMetrics(data.name(), m);
        System.err.printf(Locale.ROOT, "evaluated in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /**
     * Prints the test figures: every window, then TimeMixer's drop_last windows.
     *
     * @param dataset the data set's name
     * @param m the figures
     */
    static void printForecastMetrics(String dataset, ForecastMetrics m) {
        System.out.printf(
                Locale.ROOT,
                "mse=%.6f mae=%.6f (%s test split, z-scored, all %d windows)%n",
                m.mse(),
                m.mae(),
                dataset,
                m.windows());
        if (m.dropLastWindows() > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "mse=%.6f mae=%.6f (the first %d windows, as TimeMixer's test loader with"
                            + " batch %d and drop_last)%n",
                    m.dropLastMse(),
                    m.dropLastMae(),
                    m.dropLastWindows(),
                    ForecastMetrics.DROP_LAST_BATCH);
        }
    }
}
