package ai.mlpzoo.experiments;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.TopKSae;
import ai.mlpzoo.blocks.sae.Transcoder;
import ai.mlpzoo.capture.ActivationBuffer;
import ai.mlpzoo.capture.ActivationStream;
import ai.mlpzoo.capture.Capture;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.MixerConfig;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.train.sae.SaeMetrics;
import ai.mlpzoo.train.sae.SaeTrainer;
import ai.mlpzoo.train.sae.SaeTrainingConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BinaryOperator;

/**
 * The vision experiment: a small MLP-Mixer trained on Fashion-MNIST, then a TopK SAE on a
 * block's residual output and a skip transcoder on that block's channel MLP (input to output),
 * both trained on streamed activations. Reports FVU, L0, dead fraction, and the test accuracy when
 * the sub-block's output is replaced by the reconstruction (the vision analogue of the
 * cross-entropy loss recovered), next to the clean and zero-ablated accuracies.
 *
 * <p>Run: {@code java -Dai.djl.pytorch.num_threads=1 -cp <cli classpath>
 * ai.mlpzoo.experiments.MixerSaeExperiment [fashion-mnist dir] [epochs] [sae steps]}.
 */
public final class MixerSaeExperiment {

    private static final String BLOCK = "blocks.1";
    private static final String MLP = "blocks.1.mlp_channels";

    private MixerSaeExperiment() {}

    /**
     * Runs the experiment.
     *
     * @param args dataset folder, classifier epochs, SAE steps
     * @throws IOException when the dataset is missing
     */
    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int saeSteps = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        FashionMnist train = FashionMnist.load(dir, FashionMnist.Split.TRAIN, 0);
        FashionMnist test = FashionMnist.load(dir, FashionMnist.Split.TEST, 0);
        Engine.getInstance().setRandomSeed(0);
        Random random = new Random(0);
        try (NDManager m = NDManager.newBaseManager()) {
            MixerConfig cfg = Configs.mixerVariant("mixer_fmnist");
            cfg.numBlocks = 2;
            cfg.embedDim = 64;
            cfg.dropPathRate = 0;
            MlpMixer model = cfg.toBlock();
            model.initialize(m, DataType.FLOAT32, cfg.inputShape());
            long t0 = System.nanoTime();
            trainClassifier(model, train, epochs, random, m);
            System.out.printf(Locale.ROOT, "classifier %s: %d epoch(s) in %.0fs%n", cfg, epochs, secs(t0));
            double clean = accuracy(model, test, null, null, m);
            double zeroMlp = accuracy(model, test, MLP, (in, out) -> out.zerosLike(), m);
            System.out.printf(Locale.ROOT, "test accuracy: clean %.4f; %s zero-ablated %.4f%n", clean, MLP, zeroMlp);

            int d = cfg.embedDim;
            // SAE on the block's residual output
            TopKSae sae = new TopKSae(SaeDims.autoencoder(d, 16 * d), 16);
            sae.initialize(m, DataType.FLOAT32, new Shape(1, d));
            ActivationStream stream = new ActivationStream(
                    model, BLOCK, mm -> train.batch(mm, sample(random, train.size(), 64)),
                    new ActivationBuffer(1 << 16, d, 0, 1), false, 1024, m);
            SaeTrainer st = new SaeTrainer(sae, new SaeTrainingConfig().learningRate(2e-3f)
                    .deadTokens(200_000).logEvery(100));
            report("SAE " + BLOCK, sae, st, stream, saeSteps, m, model, test, BLOCK, false);

            // skip transcoder on the channel MLP
            Transcoder tc = new Transcoder(d, 16 * d, d, true);
            tc.initialize(m, DataType.FLOAT32, new Shape(1, d));
            ActivationStream pairs = new ActivationStream(
                    model, MLP, mm -> train.batch(mm, sample(random, train.size(), 64)),
                    new ActivationBuffer(1 << 16, d, d, 2), true, 1024, m);
            SaeTrainer tt = new SaeTrainer(tc, new SaeTrainingConfig().learningRate(2e-3f)
                    .l1Coefficient(Float.parseFloat(System.getProperty("l1", "0.05"))).l1WarmupSteps(saeSteps / 5)
                    .deadTokens(200_000).logEvery(100));
            report("transcoder " + MLP, tc, tt, pairs, saeSteps, m, model, test, MLP, true);
            System.out.printf(Locale.ROOT, "clean accuracy %.4f, %s zero-ablated %.4f%n", clean, MLP, zeroMlp);
        }
    }

    private static void report(String name, SparseCoder coder, SaeTrainer trainer, ActivationStream stream,
            int steps, NDManager m, MlpMixer model, FashionMnist test, String hook, boolean pairs) {
        try (NDManager s = m.newSubManager()) {
            NDList b = stream.next(s);
            trainer.initialize(b.get(0), pairs ? b.get(1) : null);
        }
        long t0 = System.nanoTime();
        trainer.fit(stream, steps, null);
        double trainSecs = secs(t0);
        // held-out metrics: activations of 200 test images (9,800 rows)
        SaeMetrics eval;
        try (NDManager s = m.newSubManager();
                Capture c = Capture.install(model, hook)) {
            model.forward(new ParameterStore(s, false), new NDList(test.batch(s, range(0, 200))), false);
            long dIn = coder.getDims().dIn();
            NDArray x = c.input().reshape(-1, dIn);
            NDArray y = c.output().reshape(-1, coder.getDims().dOut());
            eval = trainer.evaluate(pairs ? x : y, pairs ? y : null);
        }
        BinaryOperator<NDArray> splice = (in, out) -> {
            NDArray src = pairs ? in : out;
            NDArray flat = src.reshape(-1, coder.getDims().dIn());
            NDArray rec = coder.forward(new ParameterStore(src.getManager(), false), new NDList(flat), false).get(1);
            return rec.reshape(out.getShape());
        };
        double acc = accuracy(model, test, hook, splice, m);
        System.out.printf(Locale.ROOT, "%s: %d steps in %.0fs; test %s; accuracy with it spliced in %.4f%n",
                name, steps, trainSecs, eval.summary(), acc);
    }

    private static void trainClassifier(MlpMixer model, FashionMnist train, int epochs, Random random, NDManager m) {
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-3f)).build();
        Loss loss = Loss.softmaxCrossEntropyLoss();
        List<Parameter> params = List.copyOf(NamedParameters.of(model).values());
        params.forEach(p -> p.getArray().setRequiresGradient(true));
        int batch = 128;
        for (int e = 0; e < epochs; e++) {
            int[] order = permutation(random, train.size());
            for (int i = 0; i + batch <= order.length; i += batch) {
                int[] idx = java.util.Arrays.copyOfRange(order, i, i + batch);
                try (NDManager s = m.newSubManager()) {
                    NDArray x = train.batch(s, idx);
                    NDArray y = train.batchLabels(s, idx);
                    float value;
                    List<NDArray> grads = new java.util.ArrayList<>();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(new ParameterStore(s, false), new NDList(x), true).head();
                        NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
                        value = l.getFloat();
                        gc.backward(l);
                        for (Parameter p : params) {
                            NDArray g = p.getArray().getGradient();
                            g.attach(s);
                            grads.add(g.duplicate());
                            g.subi(g); // PyTorch accumulates gradients: clear for the next step
                        }
                    }
                    for (int k = 0; k < params.size(); k++) {
                        adam.update(params.get(k).getId(), params.get(k).getArray(), grads.get(k));
                    }
                    if ((i / batch) % 100 == 0) {
                        System.err.printf(Locale.ROOT, "epoch %d step %d loss %.4f%n", e, i / batch, value);
                    }
                }
            }
        }
    }

    private static double accuracy(MlpMixer model, FashionMnist test, String hook, BinaryOperator<NDArray> splice,
            NDManager m) {
        long correct = 0;
        try (Capture c = hook == null ? null : Capture.splice(model, hook, splice)) {
            for (int i = 0; i < test.size(); i += 500) {
                int[] idx = range(i, Math.min(test.size(), i + 500));
                try (NDManager s = m.newSubManager()) {
                    NDArray logits = model.forward(new ParameterStore(s, false), new NDList(test.batch(s, idx)), false).head();
                    NDArray pred = logits.argMax(1).toType(DataType.INT64, false);
                    correct += pred.eq(test.batchLabels(s, idx)).sum().getLong();
                }
            }
        }
        return correct / (double) test.size();
    }

    private static int[] permutation(Random random, int n) {
        int[] p = range(0, n);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] sample(Random random, int n, int k) {
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = random.nextInt(n);
        }
        return out;
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
