package ai.mlpzoo.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.mlpzoo.blocks.common.MseLoss;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ForecastConfig;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.data.timeseries.ForecastData;
import ai.mlpzoo.data.timeseries.ForecastData.Split;
import ai.mlpzoo.data.timeseries.ForecastDatasets;
import ai.mlpzoo.io.AtomicFiles;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.LongToDoubleFunction;

/**
 * Trains any forecaster ({@link ForecastConfig}) on the windows of a {@link ForecastData}, as the
 * TimeMixer code's {@code Exp_Long_Term_Forecast.train} does: MSE loss on z-scored windows, Adam,
 * the {@code lradj} schedule stepped every batch (one-cycle for {@code TST}, its beta1 cycled as
 * torch's {@code OneCycleLR} does), shuffled training windows with the last partial batch dropped,
 * early stopping after {@code patience} epochs without a lower validation loss, and the best
 * epoch's weights kept. Unlike the reference, which stops on the test loss, the stopping criterion
 * here is the validation loss (the test split stays unseen until the end).
 *
 * <p>Each epoch writes {@code checkpoint-NNNN} ({@link Checkpoints}: weights, optimiser moments,
 * the {@link ForecastState}), {@code metrics.csv} and {@code curves.png}; an improving epoch also
 * writes {@code best/}. At the end the best weights are evaluated on the test split and saved to
 * {@code model/}, whose {@code metadata.json} holds the data set, its columns, the train mean and
 * std per channel and the test figures, so that raw values can go in and come out.
 */
public final class ForecastTrainer {

    /** The folder of the best epoch's weights inside a run. */
    public static final String BEST = "best";

    /** Windows per forward pass when evaluating. */
    static final int EVAL_BATCH = 128;

    private final PrintStream log = System.err;

    /** The result of a run. */
    public static final class Result {
        /** The final state, with the history. */
        public final ForecastState state;

        /** The final model directory (the best epoch's weights). */
        public final Path modelDir;

        /** The best weights on the test split. */
        public final ForecastMetrics test;

        Result(ForecastState state, Path modelDir, ForecastMetrics test) {
            this.state = state;
            this.modelDir = modelDir;
            this.test = test;
        }
    }

    /**
     * Trains from scratch.
     *
     * @param config the architecture; its lookback and horizon must be the data's
     * @param options the hyper-parameters
     * @param data the windows
     * @param split the CSV split the data was cut with, or null (ETT, or the default)
     * @param out the run directory
     * @return the result
     * @throws IOException when a file cannot be written
     */
    public Result train(
            ForecastConfig config,
            ForecastOptions options,
            ForecastData data,
            double[] split,
            Path out)
            throws IOException {
        ForecastState state = new ForecastState();
        state.options = options.validate();
        state.dataset = data.name();
        state.split = split;
        return run(config, state, null, data, out);
    }

    /**
     * The architecture and state of a run's newest checkpoint, to reopen its data.
     *
     * @param out the run directory
     * @return the checkpoint directory
     * @throws IOException when there is none
     */
    public static Path checkpoint(Path out) throws IOException {
        Path checkpoint = Checkpoints.latest(out);
        if (checkpoint == null) {
            throw new IOException("no checkpoint-NNNN directory to resume from in " + out);
        }
        return checkpoint;
    }

    /**
     * Resumes a run from its newest checkpoint, reopening the data set it names.
     *
     * @param out the run directory
     * @param epochs the new total number of epochs, or 0 to keep the checkpoint's
     * @param dataDir the ETT folder, or null
     * @return the result
     * @throws IOException when there is no checkpoint, it is corrupt, or the data is missing
     */
    public Result resume(Path out, int epochs, Path dataDir) throws IOException {
        Path checkpoint = checkpoint(out);
        ForecastConfig config = forecastConfig(ModelDirs.readArchitecture(checkpoint), checkpoint);
        ForecastState state = Checkpoints.readState(checkpoint, ForecastState.class);
        ForecastData data =
                ForecastDatasets.open(
                        state.dataset,
                        dataDir,
                        config.contextLength(),
                        config.horizon(),
                        state.split);
        return resume(out, epochs, data);
    }

    /**
     * Resumes a run from its newest checkpoint on the given data.
     *
     * @param out the run directory
     * @param epochs the new total number of epochs, or 0 to keep the checkpoint's
     * @param data the run's data
     * @return the result
     * @throws IOException when there is no checkpoint or it is corrupt
     */
    public Result resume(Path out, int epochs, ForecastData data) throws IOException {
        Path checkpoint = checkpoint(out);
        // A run killed (SIGKILL) while it saved left its temporary folders beside the checkpoints.
        ModelDirs.deleteStaleTemps(out);
        ForecastConfig config = forecastConfig(ModelDirs.readArchitecture(checkpoint), checkpoint);
        ForecastState state = Checkpoints.readState(checkpoint, ForecastState.class);
        if (epochs > 0) {
            state.options.epochs = epochs;
        }
        state.options.validate();
        log.printf(
                Locale.ROOT,
                "resuming %s from epoch %d (step %d)%n",
                checkpoint,
                state.epoch,
                state.step);
        return run(config, state, checkpoint, data, out);
    }

    /**
     * Casts an architecture to a forecaster's.
     *
     * @param config the architecture
     * @param source where it came from, for the message
     * @return it
     */
    public static ForecastConfig forecastConfig(ModelConfig config, Object source) {
        if (!(config instanceof ForecastConfig)) {
            throw new IllegalArgumentException(
                    source + " holds a " + config.modelType() + " model, not a forecaster");
        }
        return (ForecastConfig) config;
    }

    /**
     * Checks that a model fits the data: same lookback, horizon and channels.
     *
     * @param config the model
     * @param data the data
     */
    public static void requireFits(ForecastConfig config, ForecastData data) {
        if (config.inputChannels() != data.channels()) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "the %s model takes %d input channels but %s has %d value columns"
                                    + " (%s): use a config with %d channels",
                            config.modelType(),
                            config.inputChannels(),
                            data.name(),
                            data.channels(),
                            String.join(", ", data.table().columns()),
                            data.channels()));
        }
        if (config.outputChannels() != config.inputChannels()) {
            throw new IllegalArgumentException(
                    "the model forecasts "
                            + config.outputChannels()
                            + " of its "
                            + config.inputChannels()
                            + " channels; training and evaluation need a forecast of every input"
                            + " channel");
        }
        if (config.contextLength() != data.contextLength() || config.horizon() != data.horizon()) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "the model's lookback %d and horizon %d differ from the windows' %d"
                                    + " and %d",
                            config.contextLength(),
                            config.horizon(),
                            data.contextLength(),
                            data.horizon()));
        }
    }

    private Result run(
            ForecastConfig config,
            ForecastState state,
            Path checkpoint,
            ForecastData data,
            Path out)
            throws IOException {
        requireFits(config, data);
        ForecastOptions o = state.options;
        int n = data.windows(Split.TRAIN);
        if (o.trainLimit > 0) {
            n = Math.min(n, o.trainLimit);
        }
        int stepsPerEpoch = n / o.batch;
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException(
                    "--batch " + o.batch + " is larger than the " + n + " training windows");
        }
        long totalSteps = (long) stepsPerEpoch * o.epochs;
        AdamW adamw =
                new AdamW(
                        schedule(o, stepsPerEpoch, totalSteps),
                        "tst".equals(o.lradj)
                                ? Schedules.oneCycleBeta1(Math.max(2, totalSteps), o.pctStart)
                                : step -> 0.9,
                        (float) o.weightDecay);
        int ctx = config.contextLength();
        int h = config.horizon();
        int c = config.inputChannels();
        int f = config.timeFeatures();
        Files.createDirectories(out);
        try (Model model = Model.newInstance(ModelDirs.MODEL_NAME)) {
            Block block = config.toBlock();
            model.setBlock(block);
            if (checkpoint != null) {
                Checkpoints.loadWeights(model, checkpoint);
            }
            DefaultTrainingConfig tc = new DefaultTrainingConfig(new MseLoss()).optOptimizer(adamw);
            try (Trainer trainer = model.newTrainer(tc);
                    ShutdownGuard guard = new ShutdownGuard()) {
                Runnable stopped =
                        () -> {
                            ForecastState.Epoch last =
                                    state.history.isEmpty()
                                            ? null
                                            : state.history.get(state.history.size() - 1);
                            System.err.println(
                                    Checkpoints.stoppedMessage(
                                            out,
                                            state.step,
                                            last == null ? 0 : last.epoch,
                                            last == null ? 0 : last.step));
                        };
                NDManager manager = trainer.getManager();
                manager.getEngine().setRandomSeed((int) o.seed);
                if (checkpoint == null) {
                    TorchInit.apply(block); // start where the reference's training starts
                }
                Shape xShape = new Shape(o.batch, ctx, c);
                Shape mShape = new Shape(o.batch, ctx, f);
                if (f > 0) {
                    trainer.initialize(xShape, mShape);
                } else {
                    trainer.initialize(xShape);
                }
                if (checkpoint != null) {
                    Checkpoints.loadOptimizer(adamw, checkpoint, block, manager);
                }
                float[] x = new float[o.batch * ctx * c];
                float[] marks = f > 0 ? new float[o.batch * ctx * f] : null;
                float[] y = new float[o.batch * h * c];
                int[] idx = new int[o.batch];
                try {
                    for (int epoch = state.epoch; epoch < o.epochs; epoch++) {
                        if (state.badEpochs >= o.patience) {
                            break; // stopped early before; a resume has nothing left to do
                        }
                        int[] order = permutation(n, new Random(o.seed * 1_000_003L + epoch));
                        ProgressBar bar =
                                new ProgressBar(
                                        String.format(
                                                Locale.ROOT, "epoch %d/%d", epoch + 1, o.epochs),
                                        stepsPerEpoch);
                        double lossSum = 0;
                        long t0 = System.nanoTime();
                        for (int s = 0; s < stepsPerEpoch; s++) {
                            System.arraycopy(order, s * o.batch, idx, 0, o.batch);
                            data.fill(Split.TRAIN, idx, x, marks, y);
                            adamw.setStep(state.step);
                            float value;
                            try (NDManager sub = manager.newSubManager()) {
                                NDList in = new NDList(sub.create(x, xShape)); // (B, L, C)
                                if (f > 0) {
                                    in.add(sub.create(marks, mShape)); // (B, L, F)
                                }
                                NDArray target = sub.create(y, new Shape(o.batch, h, c));
                                try (GradientCollector gc = trainer.newGradientCollector()) {
                                    NDArray pred = trainer.forward(in).get(0); // (B, H, C)
                                    NDArray l = pred.sub(target).square().mean(); // MSE, scalar
                                    gc.backward(l);
                                    value = l.getFloat();
                                }
                                if (!Float.isFinite(value)) {
                                    throw new IllegalStateException(
                                            "training diverged: loss is "
                                                    + value
                                                    + " at step "
                                                    + state.step
                                                    + "; lower --lr");
                                }
                                trainer.step();
                            }
                            lossSum += value;
                            state.step++;
                            guard.checkpoint(stopped);
                            double secs = (System.nanoTime() - t0) / 1e9;
                            bar.update(
                                    s + 1,
                                    String.format(
                                            Locale.ROOT,
                                            "loss %.4f %.0f windows/s",
                                            lossSum / (s + 1),
                                            (s + 1) * o.batch / secs));
                        }
                        double secs = (System.nanoTime() - t0) / 1e9;
                        double val = evaluate(block, manager, data, Split.VAL, f).mse();
                        ForecastState.Epoch r = new ForecastState.Epoch();
                        r.epoch = epoch + 1;
                        r.step = state.step;
                        r.lr = adamw.currentLearningRate();
                        r.trainLoss = lossSum / stepsPerEpoch;
                        r.valLoss = val;
                        r.windowsPerSecond = (double) stepsPerEpoch * o.batch / secs;
                        r.epochSeconds = secs;
                        boolean improved = val < state.bestValLoss;
                        if (!Double.isFinite(val)) {
                            throw new IllegalStateException(
                                    "validation loss is "
                                            + val
                                            + " after epoch "
                                            + r.epoch
                                            + "; lower --lr");
                        }
                        bar.finish(
                                String.format(
                                        Locale.ROOT,
                                        "loss %.4f | val %.4f%s | %.0f windows/s",
                                        r.trainLoss,
                                        val,
                                        improved ? " (best)" : "",
                                        r.windowsPerSecond));
                        state.epoch = epoch + 1;
                        state.history.add(r);
                        if (improved) {
                            state.bestValLoss = val;
                            state.bestEpoch = state.epoch;
                            state.badEpochs = 0;
                            ModelDirs.save(
                                    out.resolve(BEST),
                                    config,
                                    block,
                                    metadata(data, state, null),
                                    null);
                        } else {
                            state.badEpochs++;
                        }
                        Checkpoints.save(
                                out,
                                state.epoch,
                                config,
                                block,
                                metadata(data, state, null),
                                null,
                                adamw,
                                state);
                        writeMetrics(out, state, config);
                        guard.checkpoint(stopped);
                        if (state.badEpochs >= o.patience) {
                            log.printf(
                                    Locale.ROOT,
                                    "early stopping: no lower validation loss in %d epochs; best"
                                            + " %.6f at epoch %d%n",
                                    o.patience,
                                    state.bestValLoss,
                                    state.bestEpoch);
                            break;
                        }
                    }
                } catch (RuntimeException | IOException e) {
                    if (guard.stopRequested()) {
                        guard.checkpoint(stopped);
                    }
                    throw e;
                }
            } finally {
                adamw.close();
            }
        }
        return finish(config, state, data, out);
    }

    /** Loads the best epoch's weights, evaluates them on the test split and writes model/. */
    private Result finish(ForecastConfig config, ForecastState state, ForecastData data, Path out)
            throws IOException {
        Path best = out.resolve(BEST);
        try (Model model = Model.newInstance(ModelDirs.MODEL_NAME);
                NDManager manager = NDManager.newBaseManager()) {
            model.setBlock(initialized(config, manager));
            Checkpoints.loadWeights(model, best);
            ForecastMetrics test =
                    evaluate(model.getBlock(), manager, data, Split.TEST, config.timeFeatures());
            Path modelDir = out.resolve("model");
            ModelDirs.save(modelDir, config, model.getBlock(), metadata(data, state, test), null);
            return new Result(state, modelDir, test);
        }
    }

    /**
     * A forecaster's block with its parameters allocated, ready for loading weights and saving (DJL
     * records the input shapes at initialisation and writes them into the parameter file).
     *
     * @param config the architecture
     * @param manager owns the parameters
     * @return the block
     */
    public static Block initialized(ForecastConfig config, NDManager manager) {
        Block block = config.toBlock();
        Shape x = new Shape(1, config.contextLength(), config.inputChannels());
        if (config.timeFeatures() > 0) {
            block.initialize(
                    manager,
                    ai.djl.ndarray.types.DataType.FLOAT32,
                    x,
                    new Shape(1, config.contextLength(), config.timeFeatures()));
        } else {
            block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, x);
        }
        return block;
    }

    private static LongToDoubleFunction schedule(
            ForecastOptions o, int stepsPerEpoch, long totalSteps) {
        switch (o.lradj) {
            case "tst":
                return Schedules.oneCycle(o.lr, Math.max(2, totalSteps), o.pctStart);
            case "type1":
                // the reference halves the rate after every epoch from the second on
                return step -> o.lr * Math.pow(0.5, Math.max(0, step / stepsPerEpoch - 1));
            default:
                return step -> o.lr;
        }
    }

    /**
     * Evaluates a forecaster on every window of a split (the z-scored MSE and MAE of the papers),
     * and on TimeMixer's drop_last windows.
     *
     * @param block the model, initialised
     * @param manager a manager for temporaries
     * @param data the data
     * @param split the split
     * @param timeFeatures the model's time features per step, 0 for none
     * @return the figures
     */
    public static ForecastMetrics evaluate(
            Block block, NDManager manager, ForecastData data, Split split, int timeFeatures) {
        int n = data.windows(split);
        int ctx = data.contextLength();
        int h = data.horizon();
        int c = data.channels();
        double[] squared = new double[n];
        double[] absolute = new double[n];
        ParameterStore ps = new ParameterStore(manager, false);
        for (int start = 0; start < n; start += EVAL_BATCH) {
            int b = Math.min(EVAL_BATCH, n - start);
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                idx[i] = start + i;
            }
            float[] x = new float[b * ctx * c];
            float[] marks = timeFeatures > 0 ? new float[b * ctx * timeFeatures] : null;
            float[] y = new float[b * h * c];
            data.fill(split, idx, x, marks, y);
            try (NDManager sub = manager.newSubManager()) {
                NDList in = new NDList(sub.create(x, new Shape(b, ctx, c))); // (b, L, C)
                if (marks != null) {
                    in.add(sub.create(marks, new Shape(b, ctx, timeFeatures))); // (b, L, F)
                }
                NDArray pred = block.forward(ps, in, false).get(0); // (b, H, C)
                NDArray err = pred.sub(sub.create(y, new Shape(b, h, c))); // (b, H, C)
                float[] sq = err.square().sum(new int[] {1, 2}).toFloatArray(); // (b)
                float[] ab = err.abs().sum(new int[] {1, 2}).toFloatArray(); // (b)
                for (int i = 0; i < b; i++) {
                    squared[start + i] = sq[i];
                    absolute[start + i] = ab[i];
                }
            }
        }
        return ForecastMetrics.of(squared, absolute, (long) h * c);
    }

    /**
     * The metadata of a forecasting model directory: what a forecast in the original units needs
     * (columns, train mean and std, time step) and how the weights were made and scored.
     *
     * @param data the data
     * @param state the run, or null
     * @param test the test figures, or null
     * @return JSON
     */
    public static String metadata(ForecastData data, ForecastState state, ForecastMetrics test) {
        ObjectNode meta = Configs.MAPPER.createObjectNode();
        meta.put("source", "mlpzoo train");
        meta.put("task", "forecast");
        meta.put("dataset", data.name());
        meta.put("date_column", data.table().dateColumn());
        ArrayNode cols = meta.putArray("columns");
        data.table().columns().forEach(cols::add);
        ArrayNode mean = meta.putArray("mean");
        for (double v : data.mean()) {
            mean.add(v);
        }
        ArrayNode std = meta.putArray("std");
        for (double v : data.std()) {
            std.add(v);
        }
        meta.put("step_seconds", data.table().step().getSeconds());
        meta.put("step", data.table().step().toString()); // ISO-8601, as the translator reads it
        meta.put("context_length", data.contextLength());
        meta.put("horizon", data.horizon());
        ObjectNode split = meta.putObject("split_rows");
        for (Split s : Split.values()) {
            int[] b = data.borders(s);
            split.putArray(s.name().toLowerCase(Locale.ROOT)).add(b[0]).add(b[1]);
        }
        if (test != null) {
            meta.put("test_mse", test.mse());
            meta.put("test_mae", test.mae());
            meta.put("test_windows", test.windows());
            if (test.dropLastWindows() > 0) {
                meta.put("test_mse_drop_last", test.dropLastMse());
                meta.put("test_mae_drop_last", test.dropLastMae());
                meta.put("test_windows_drop_last", test.dropLastWindows());
            }
        }
        if (state != null) {
            meta.put("epochs", state.epoch);
            meta.put("steps", state.step);
            meta.put("best_epoch", state.bestEpoch);
            meta.put("best_val_loss", state.bestValLoss);
            meta.set("options", Configs.MAPPER.valueToTree(state.options));
            if (state.split != null) {
                ArrayNode fr = meta.putArray("split");
                for (double v : state.split) {
                    fr.add(v);
                }
            }
        }
        return Configs.toJson(meta) + "\n";
    }

    private static void writeMetrics(Path out, ForecastState state, ModelConfig config)
            throws IOException {
        StringBuilder csv = new StringBuilder(ForecastState.Epoch.CSV_HEADER).append('\n');
        int n = state.history.size();
        double[] x = new double[n];
        double[] train = new double[n];
        double[] val = new double[n];
        for (int i = 0; i < n; i++) {
            ForecastState.Epoch r = state.history.get(i);
            csv.append(r.toCsv()).append('\n');
            x[i] = r.epoch;
            train[i] = r.trainLoss;
            val[i] = r.valLoss;
        }
        AtomicFiles.writeString(out.resolve("metrics.csv"), csv.toString());
        TrainingCurves.writeLosses(
                config.modelType() + " on " + state.dataset,
                x,
                List.of("train", "validation"),
                List.of(train, val),
                out.resolve("curves.png"));
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
