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
import ai.mlpzoo.blocks.common.Scalars;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.io.AtomicFiles;
import ai.mlpzoo.translate.ImageClassifierFactory;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains an image classifier on Fashion-MNIST: AdamW with warm-up and cosine decay, label
 * smoothing, shift-and-flip augmentation, a progress bar, and after every epoch a checkpoint
 * ({@code checkpoint-NNNN}, a model directory plus optimiser state, made visible by one atomic
 * rename), {@code metrics.csv} and {@code curves.png}. A run resumes from its newest checkpoint
 * with the same optimiser state, learning-rate position and data order. The finished model is
 * written to {@code model/}.
 */
public final class ImageClassifierTrainer {

    /** Images per forward pass when evaluating. */
    static final int EVAL_BATCH = 100;

    /** The optimiser state file inside a checkpoint. */
    public static final String OPTIMIZER = Checkpoints.OPTIMIZER;

    /** The run state file inside a checkpoint. */
    public static final String STATE = Checkpoints.STATE;

    private final PrintStream log = System.err;

    /** The result of a run. */
    public static final class Result {
        /** The final state, with the history. */
        public final TrainState state;

        /** The final model directory. */
        public final Path modelDir;

        Result(TrainState state, Path modelDir) {
            this.state = state;
            this.modelDir = modelDir;
        }
    }

    /**
     * Trains from scratch.
     *
     * @param config the architecture
     * @param options the hyper-parameters
     * @param train the training images
     * @param test the test images, evaluated after each epoch
     * @param out the run directory
     * @return the result
     * @throws IOException when a file cannot be written
     */
    public Result train(
            ModelConfig config,
            TrainOptions options,
            FashionMnist train,
            FashionMnist test,
            Path out)
            throws IOException {
        TrainState state = new TrainState();
        state.options = options.validate();
        state.dataset = "fashion-mnist";
        return run(config, state, null, train, test, out);
    }

    /**
     * Resumes a run from its newest checkpoint.
     *
     * @param out the run directory
     * @param epochs the new total number of epochs, or 0 to keep the checkpoint's
     * @param train the training images
     * @param test the test images
     * @return the result
     * @throws IOException when there is no checkpoint or it is corrupt
     */
    public Result resume(Path out, int epochs, FashionMnist train, FashionMnist test)
            throws IOException {
        Path checkpoint = latestCheckpoint(out);
        if (checkpoint == null) {
            throw new IOException("no checkpoint-NNNN directory to resume from in " + out);
        }
        // A run killed (SIGKILL) while it saved left its temporary folders beside the checkpoints.
        ModelDirs.deleteStaleTemps(out);
        ModelConfig config = ModelDirs.readArchitecture(checkpoint);
        TrainState state = Checkpoints.readState(checkpoint, TrainState.class);
        if (epochs > 0) {
            state.options.epochs = epochs;
        }
        log.printf(
                Locale.ROOT,
                "resuming %s from epoch %d (step %d)%n",
                checkpoint,
                state.epoch,
                state.step);
        return run(config, state, checkpoint, train, test, out);
    }

    /**
     * Finds the newest complete checkpoint of a run.
     *
     * @param out the run directory
     * @return the checkpoint directory, or null
     * @throws IOException when the directory cannot be listed
     */
    public static Path latestCheckpoint(Path out) throws IOException {
        return Checkpoints.latest(out);
    }

    /**
     * What a run stopped by SIGTERM or Ctrl-C tells the user: where it stopped, and where a resume
     * will really start (the last saved checkpoint, whose step may be earlier).
     *
     * @param out the run directory
     * @param state the live state (its {@code step}; its history's last record is the checkpoint)
     * @return the message
     */
    static String stoppedMessage(Path out, TrainState state) {
        if (state.history.isEmpty()) {
            return Checkpoints.stoppedMessage(out, state.step, 0, 0);
        }
        EpochRecord last = state.history.get(state.history.size() - 1);
        return Checkpoints.stoppedMessage(out, state.step, last.epoch, last.step);
    }

    /**
     * Fashion-MNIST images are 1 x 28 x 28; a model built for another image size would otherwise
     * fail deep in the engine ("The NDArray size is: ..., but buffer size is: ...").
     *
     * @param inputShape the model's input shape, batch of one
     * @throws IllegalArgumentException naming the model's shape and the fields to change
     */
    static void requireFashionMnistShape(Shape inputShape) {
        long perImage = inputShape.size() / Math.max(1, inputShape.get(0));
        if (perImage != 784) {
            throw new IllegalArgumentException(
                    "the model takes images of shape "
                            + inputShape.slice(1)
                            + " ("
                            + perImage
                            + " values) but Fashion-MNIST images are (1, 28, 28) (784 values):"
                            + " use an architecture with in_chans 1 and img_size 28");
        }
    }

    private Result run(
            ModelConfig config,
            TrainState state,
            Path checkpoint,
            FashionMnist train,
            FashionMnist test,
            Path out)
            throws IOException {
        TrainOptions o = state.options;
        int n = o.trainLimit > 0 ? Math.min(o.trainLimit, train.size()) : train.size();
        int stepsPerEpoch = n / o.batch;
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException(
                    "batch " + o.batch + " is larger than the " + n + " training images");
        }
        long totalSteps = (long) stepsPerEpoch * o.epochs;
        long warmup = Math.round(o.warmupEpochs * stepsPerEpoch);
        AdamW adamw =
                new AdamW(
                        Schedules.warmupCosine(o.lr, o.minLr, warmup, totalSteps),
                        (float) o.weightDecay);
        LogitsLoss loss = new LogitsLoss((float) o.labelSmoothing);
        Shape inputShape = config.inputShape(); // (1, ...) of one example
        requireFashionMnistShape(inputShape);
        long[] batchDims = inputShape.getShape().clone();
        batchDims[0] = o.batch;
        Shape batchShape = new Shape(batchDims);
        Files.createDirectories(out);

        try (Model model = Model.newInstance(ModelDirs.MODEL_NAME)) {
            Block block = config.toBlock();
            model.setBlock(block);
            if (checkpoint != null) {
                Checkpoints.loadWeights(model, checkpoint);
            }
            DefaultTrainingConfig tc = new DefaultTrainingConfig(loss).optOptimizer(adamw);
            try (Trainer trainer = model.newTrainer(tc);
                    ShutdownGuard guard = new ShutdownGuard()) {
                // Resume restarts at the newest checkpoint (saved at each epoch's end), not at the
                // step where the run stopped: say so, and how many steps will be redone.
                Runnable stopped = () -> System.err.println(stoppedMessage(out, state));
                NDManager manager = trainer.getManager();
                manager.getEngine().setRandomSeed((int) o.seed);
                trainer.initialize(batchShape);
                adamw.setParameterNames(Checkpoints.idToName(block));
                if (checkpoint != null) {
                    Checkpoints.loadOptimizer(adamw, checkpoint, block, manager);
                }
                Augment augment = new Augment(o.augmentShift, o.augmentFlip);
                float[] px = new float[o.batch * 784];
                float[] labels = new float[o.batch];
                try {
                    for (int epoch = state.epoch; epoch < o.epochs; epoch++) {
                        int[] order = permutation(n, new Random(o.seed * 1_000_003L + epoch));
                        Random augRandom = new Random(o.seed * 7_919L + epoch);
                        ProgressBar bar =
                                new ProgressBar(
                                        String.format(
                                                Locale.ROOT, "epoch %d/%d", epoch + 1, o.epochs),
                                        stepsPerEpoch);
                        double lossSum = 0;
                        long correct = 0;
                        long seen = 0;
                        long t0 = System.nanoTime();
                        for (int s = 0; s < stepsPerEpoch; s++) {
                            for (int i = 0; i < o.batch; i++) {
                                int idx = order[s * o.batch + i];
                                augment.apply(
                                        train.images(), idx * 784, px, i * 784, 28, augRandom);
                                labels[i] = train.labels()[idx];
                            }
                            adamw.setStep(state.step);
                            try (NDManager sub = manager.newSubManager()) {
                                NDArray x = normalise(sub.create(px, batchShape));
                                NDArray y = sub.create(labels);
                                float value;
                                try (GradientCollector gc = trainer.newGradientCollector()) {
                                    NDList pred = trainer.forward(new NDList(x));
                                    NDArray l = loss.evaluate(new NDList(y), pred);
                                    gc.backward(l);
                                    value = l.getFloat();
                                    correct +=
                                            pred.get(0)
                                                    .argMax(1)
                                                    .toType(y.getDataType(), false)
                                                    .eq(y)
                                                    .sum()
                                                    .getLong();
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
                                lossSum += value;
                                seen += o.batch;
                            }
                            state.step++;
                            guard.checkpoint(stopped);
                            double secs = (System.nanoTime() - t0) / 1e9;
                            bar.update(
                                    s + 1,
                                    String.format(
                                            Locale.ROOT,
                                            "loss %.4f acc %.2f%% %.0f img/s",
                                            lossSum / (s + 1),
                                            100.0 * correct / seen,
                                            seen / secs));
                        }
                        double secs = (System.nanoTime() - t0) / 1e9;
                        double[] eval = evaluate(block, manager, test, inputShape, loss);
                        EpochRecord r = new EpochRecord();
                        r.epoch = epoch + 1;
                        r.step = state.step;
                        r.lr = adamw.currentLearningRate();
                        r.trainLoss = lossSum / stepsPerEpoch;
                        r.trainAcc = (double) correct / seen;
                        r.testLoss = eval[0];
                        r.testAcc = eval[1];
                        r.imagesPerSecond = seen / secs;
                        r.epochSeconds = secs;
                        bar.finish(
                                String.format(
                                        Locale.ROOT,
                                        "loss %.4f acc %.2f%% | test loss %.4f acc %.2f%% | %.0f img/s",
                                        r.trainLoss,
                                        100 * r.trainAcc,
                                        r.testLoss,
                                        100 * r.testAcc,
                                        r.imagesPerSecond));
                        state.epoch = epoch + 1;
                        state.history.add(r);
                        saveCheckpoint(out, config, block, adamw, state, test.size());
                        writeMetrics(out, state, config);
                        guard.checkpoint(stopped);
                    }
                } catch (RuntimeException | IOException e) {
                    // an interrupted write or a refused shutdown hook while the JVM exits: stop, do
                    // not report
                    if (guard.stopRequested()) {
                        guard.checkpoint(stopped);
                    }
                    throw e;
                }
                Path modelDir = out.resolve("model");
                double acc =
                        state.history.isEmpty()
                                ? Double.NaN
                                : state.history.get(state.history.size() - 1).testAcc;
                ModelDirs.save(
                        modelDir,
                        config,
                        block,
                        metadata(acc, test.size(), state, inputShape),
                        Map.of("translatorFactory", ImageClassifierFactory.class.getName()));
                return new Result(state, modelDir);
            } finally {
                adamw.close();
            }
        }
    }

    private static NDArray normalise(NDArray x) {
        return Scalars.divi(x.subi(FashionMnist.MEAN), FashionMnist.STD);
    }

    /**
     * Evaluates a classifier.
     *
     * @param block the model
     * @param manager a manager for temporaries
     * @param data the images
     * @param inputShape the model's input shape for one example
     * @param loss the loss to report
     * @return {mean loss, accuracy}
     */
    public static double[] evaluate(
            Block block, NDManager manager, FashionMnist data, Shape inputShape, LogitsLoss loss) {
        requireFashionMnistShape(inputShape);
        // Every intermediate of a forward lives until its batch's sub-manager closes (DJL frees
        // nothing earlier), so the peak grows with the batch: KAT's rationals at batch 500 held
        // 8.57 GB of RSS in `mlpzoo eval`, batch 100 2.20 GB, with the same accuracy and loss.
        int batch = EVAL_BATCH;
        double lossSum = 0;
        long correct = 0;
        ParameterStore ps = new ParameterStore(manager, false);
        for (int start = 0; start < data.size(); start += batch) {
            int b = Math.min(batch, data.size() - start);
            long[] dims = inputShape.getShape().clone();
            dims[0] = b;
            float[] px = new float[b * 784];
            float[] labels = new float[b];
            for (int i = 0; i < b; i++) {
                data.copyImage(start + i, px, i * 784);
                labels[i] = data.labels()[start + i];
            }
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = normalise(sub.create(px, new Shape(dims)));
                NDArray y = sub.create(labels);
                NDList pred = block.forward(ps, new NDList(x), false);
                lossSum += loss.evaluate(new NDList(y), pred).getFloat() * b;
                correct +=
                        pred.get(0).argMax(1).toType(y.getDataType(), false).eq(y).sum().getLong();
            }
        }
        return new double[] {lossSum / data.size(), (double) correct / data.size()};
    }

    private void saveCheckpoint(
            Path out, ModelConfig config, Block block, AdamW adamw, TrainState state, int testSize)
            throws IOException {
        double acc = state.history.get(state.history.size() - 1).testAcc;
        Checkpoints.save(
                out,
                state.epoch,
                config,
                block,
                metadata(acc, testSize, state, config.inputShape()),
                Map.of("translatorFactory", ImageClassifierFactory.class.getName()),
                adamw,
                state);
    }

    private static void writeMetrics(Path out, TrainState state, ModelConfig config)
            throws IOException {
        StringBuilder csv = new StringBuilder(EpochRecord.CSV_HEADER).append('\n');
        for (EpochRecord r : state.history) {
            csv.append(r.toCsv()).append('\n');
        }
        AtomicFiles.writeString(out.resolve("metrics.csv"), csv.toString());
        String title =
                config instanceof ai.mlpzoo.config.MixerConfig
                        ? ((ai.mlpzoo.config.MixerConfig) config).name
                        : config.modelType();
        TrainingCurves.write(state.history, title, out.resolve("curves.png"));
    }

    /**
     * The weight metadata of a Fashion-MNIST classifier: preprocessing, class names, provenance.
     *
     * @param testAcc the accuracy measured, or NaN
     * @param testSize on how many test images
     * @param state the run, or null
     * @param inputShape the model's input shape for one example: (1, C, H, W), or (1, C * H * W)
     *     for a model that takes flat vectors (then the metadata says {@code "flatten": true})
     * @return JSON
     */
    public static String metadata(
            double testAcc, int testSize, TrainState state, Shape inputShape) {
        ObjectNode meta = Configs.MAPPER.createObjectNode();
        meta.put("source", "mlpzoo train");
        meta.put("dataset", "fashion-mnist");
        ArrayNode size = meta.putArray("input_size");
        size.add(1).add(28).add(28);
        meta.putArray("mean").add(FashionMnist.MEAN);
        meta.putArray("std").add(FashionMnist.STD);
        if (inputShape.dimension() == 2) {
            meta.put("flatten", true);
        }
        ArrayNode names = meta.putArray("label_names");
        for (String c : FashionMnist.CLASSES) {
            names.add(c);
        }
        if (!Double.isNaN(testAcc)) {
            meta.put("test_accuracy", testAcc);
            meta.put("test_images", testSize);
        }
        if (state != null) {
            meta.put("epochs", state.epoch);
            meta.put("steps", state.step);
            meta.set("options", Configs.MAPPER.valueToTree(state.options));
        }
        return Configs.toJson(meta) + "\n";
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
