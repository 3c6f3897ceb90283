package ai.mlpzoo.cli;

import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.train.EpochRecord;
import ai.mlpzoo.train.ImageClassifierTrainer;
import ai.mlpzoo.train.TrainOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlpzoo train <variant-or-config.json> --dataset fashion-mnist}: trains a classifier with
 * checkpoints each epoch; {@code --resume <run-dir>} continues a run from its newest checkpoint. A
 * forecasting config ({@code ForecastConfig}) goes to the forecast trainer instead: {@code
 * --dataset etth1|etth2|<csv>} with {@code --horizon}, see {@link ForecastTraining}.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train a classifier on Fashion-MNIST (AdamW, warm-up + cosine, checkpoints every"
                        + " epoch), or a forecaster on ETT or a CSV (--horizon; Adam, one-cycle,"
                        + " early stopping on validation).")
final class TrainCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "<variant-or-config.json>",
            description =
                    "a variant (mixer_fmnist, resmlp_fmnist, kan_fmnist, ...), a zoo artifact id (mixer) or a config file")
    String model;

    @Option(
            names = "--dataset",
            description =
                    "fashion-mnist (classifiers, the default); etth1, etth2 or a CSV file (forecasters)")
    String dataset;

    @Option(
            names = "--horizon",
            paramLabel = "H",
            description = "forecasters: steps to forecast (default: the config's)")
    Integer horizon;

    @Option(
            names = "--context",
            paramLabel = "L",
            description = "forecasters: the lookback (default: the config's)")
    Integer context;

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
            description = "forecasters on a CSV: chronological fractions (default 0.7,0.1,0.2)")
    String split;

    @Option(
            names = "--patience",
            description =
                    "forecasters: epochs without a lower validation loss before stopping (10)")
    Integer patience;

    @Option(
            names = "--lradj",
            description =
                    "forecasters: tst (one-cycle, default), type1 (halve each epoch), constant")
    String lradj;

    @Option(names = "--epochs", description = "epochs (default 30)")
    Integer epochs;

    @Option(names = "--batch", description = "batch size (default 128)")
    Integer batch;

    @Option(names = "--lr", description = "peak learning rate (default 2e-3)")
    Double lr;

    @Option(names = "--weight-decay", description = "AdamW weight decay (default 0.05)")
    Double weightDecay;

    @Option(names = "--warmup-epochs", description = "linear warm-up epochs (default 1)")
    Double warmupEpochs;

    @Option(names = "--label-smoothing", description = "label smoothing (default 0.1)")
    Double labelSmoothing;

    @Option(names = "--no-augment", description = "no random shift and flip")
    boolean noAugment;

    @Option(
            names = "--augment-shift",
            paramLabel = "PX",
            description = "largest random shift in pixels (default 2)")
    Integer augmentShift;

    @Option(
            names = "--drop-path",
            paramLabel = "RATE",
            description = "stochastic-depth rate, overriding the config's")
    Double dropPath;

    @Option(names = "--train-limit", description = "use only the first N training images")
    Integer trainLimit;

    @Option(names = "--seed", description = "random seed (default 42)")
    Long seed;

    @Option(
            names = "--out",
            paramLabel = "<run-dir>",
            description = "run directory (default runs/<name>)")
    Path out;

    @Option(
            names = "--resume",
            paramLabel = "<run-dir>",
            description = "continue this run from its newest checkpoint")
    Path resume;

    @Override
    public Integer call() throws Exception {
        ForecastTraining forecast = new ForecastTraining(this);
        if (resume != null && forecast.isForecastRun(resume)) {
            return forecast.resume();
        }
        if (resume == null && model != null) {
            ModelConfig config = resolve(model);
            if (config instanceof ai.mlpzoo.config.ForecastConfig f) {
                return forecast.train(f, name(model));
            }
        }
        if (horizon != null || context != null || dataDir != null || split != null) {
            throw new IllegalArgumentException(
                    "--horizon, --context, --data-dir and --split apply to forecasting models; "
                            + (model == null ? "this run" : model)
                            + " is a classifier");
        }
        if (dataset == null) {
            dataset = "fashion-mnist";
        }
        if (!"fashion-mnist".equals(dataset)) {
            throw new IllegalArgumentException(
                    "unknown dataset '" + dataset + "'; known: fashion-mnist");
        }
        if (resume == null && model != null) {
            // refuse a bad --out before the data set is read
            checkRunDir(out != null ? out : Paths.get("runs", name(model)));
        }
        FashionMnist train =
                FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TRAIN, 0);
        FashionMnist test =
                FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 0);
        ImageClassifierTrainer trainer = new ImageClassifierTrainer();
        ImageClassifierTrainer.Result result;
        if (resume != null) {
            if (model != null) {
                throw new IllegalArgumentException(
                        "--resume takes the architecture from the checkpoint: drop " + model);
            }
            result = trainer.resume(resume, epochs == null ? 0 : epochs, train, test);
        } else {
            if (model == null) {
                throw new IllegalArgumentException(
                        "name a variant or config file to train, or --resume a run");
            }
            ModelConfig config = resolve(model);
            TrainOptions o = new TrainOptions();
            if (epochs != null) o.epochs = epochs;
            if (batch != null) o.batch = batch;
            if (lr != null) o.lr = lr;
            if (weightDecay != null) o.weightDecay = weightDecay;
            if (warmupEpochs != null) o.warmupEpochs = warmupEpochs;
            if (labelSmoothing != null) o.labelSmoothing = labelSmoothing;
            if (trainLimit != null) o.trainLimit = trainLimit;
            if (seed != null) o.seed = seed;
            if (augmentShift != null) o.augmentShift = augmentShift;
            if (noAugment) {
                o.augmentShift = 0;
                o.augmentFlip = false;
            }
            if (dropPath != null) config = withDropPath(config, dropPath);
            Path dir = out != null ? out : Paths.get("runs", name(model));
            result = trainer.train(config, o, train, test, dir);
        }
        EpochRecord last = result.state.history.get(result.state.history.size() - 1);
        double seconds = result.state.history.stream().mapToDouble(r -> r.epochSeconds).sum();
        System.out.printf(
                Locale.ROOT,
                "trained %d epochs (%d steps, %.0f s of training): test accuracy %.2f%% on %d images; model in %s%n",
                result.state.epoch,
                result.state.step,
                seconds,
                100 * last.testAcc,
                test.size(),
                result.modelDir);
        return 0;
    }

    /**
     * Sets the stochastic-depth rate of a Mixer-family config.
     *
     * @param config the architecture
     * @param rate the drop-path rate, in [0, 1)
     * @return the same config, changed
     */
    static ModelConfig withDropPath(ModelConfig config, double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("--drop-path must be in [0, 1), got " + rate);
        }
        if (config instanceof ai.mlpzoo.config.MixerConfig m) {
            m.dropPathRate = rate; // KAN-Mixers too: they are Mixer configs with "mlp_layer": "kat"
        } else {
            throw new IllegalArgumentException(
                    "--drop-path applies to Mixer-family models; "
                            + config.getClass().getSimpleName()
                            + " has no stochastic depth");
        }
        return config;
    }

    /**
     * Resolves a variant name, zoo artifact id or config file.
     *
     * @param spec what the user typed
     * @return the architecture
     * @throws java.io.IOException when the file cannot be read
     */
    static ModelConfig resolve(String spec) throws java.io.IOException {
        Path file = Paths.get(spec);
        if (spec.endsWith(".json")) {
            if (!Files.isRegularFile(file)) {
                throw new java.nio.file.NoSuchFileException(spec, null, "config file not found");
            }
            return Configs.read(Configs.readFile(file, "config file"), spec);
        }
        if (Configs.variantNames().contains(spec)) {
            return Configs.variant(spec);
        }
        if (Configs.variantNames().contains(spec + "_fmnist")) {
            return Configs.variant(spec + "_fmnist");
        }
        throw new IllegalArgumentException(
                "unknown model '"
                        + spec
                        + "': give a config .json file or one of "
                        + String.join(", ", Configs.variantNames()));
    }

    static String name(String spec) {
        String base = Paths.get(spec).getFileName().toString();
        return base.endsWith(".json") ? base.substring(0, base.length() - 5) : base;
    }

    /** A new run goes into a new or empty folder: never over a run, never into a user's folder. */
    static void checkRunDir(Path dir) throws java.io.IOException {
        if (ImageClassifierTrainer.latestCheckpoint(dir) != null) {
            throw new IllegalArgumentException(
                    dir + " holds a run already: --resume " + dir + " or pick another --out");
        }
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    dir + " exists and is not a folder: name a new --out");
        }
        if (java.nio.file.Files.isDirectory(dir) && !isEmpty(dir)) {
            // a run writes checkpoints and <run>/model into this folder
            throw new IllegalArgumentException(
                    dir
                            + " is a folder with other content, not a run directory;"
                            + " it is left untouched: name a new or empty --out");
        }
    }

    private static boolean isEmpty(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> entries = java.nio.file.Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
