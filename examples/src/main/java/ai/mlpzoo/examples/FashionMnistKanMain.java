package ai.mlpzoo.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.blocks.kan.KanOptions;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.train.LogitsLoss;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Random;

/**
 * efficient-kan's MNIST example on Fashion-MNIST: KAN [784, 64, 10] (G = 5, k = 3), AdamW (lr 1e-3,
 * weight decay 1e-4), the learning rate times 0.8 after every epoch, batch 64, cross-entropy;
 * prints test accuracy per epoch.
 *
 * <p>Arguments: [dataset folder, default /usr/share/datasets/fashion-mnist] [epochs, default 10].
 */
public final class FashionMnistKanMain {

    private FashionMnistKanMain() {}

    /**
     * Trains and evaluates.
     *
     * @param args see the class comment
     * @throws Exception on I/O failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        FashionMnist train = FashionMnist.load(dir, FashionMnist.Split.TRAIN, 0);
        FashionMnist test = FashionMnist.load(dir, FashionMnist.Split.TEST, 0);
        int batch = 64;
        int steps = train.size() / batch; // the last partial batch is dropped
        Tracker lr = n -> (float) (1e-3 * Math.pow(0.8, n / steps)); // ExponentialLR(0.8) per epoch
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(new LogitsLoss(0f))
                        .optOptimizer(
                                Optimizer.adamW()
                                        .optLearningRateTracker(lr)
                                        .optWeightDecays(1e-4f)
                                        .build());
        KAN kan = new KAN(new int[] {784, 64, 10}, KanOptions.defaults());
        try (Model model = Model.newInstance("kan-fmnist")) {
            model.setBlock(kan);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 784));
                NDManager manager = trainer.getManager();
                Random rnd = new Random(0);
                int[] order = new int[train.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                long start = System.nanoTime();
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    shuffle(order, rnd);
                    double lossSum = 0;
                    for (int s = 0; s < steps; s++) {
                        try (NDManager scope = manager.newSubManager()) {
                            NDArray x =
                                    scope.create(
                                            pixels(train, order, s * batch, batch),
                                            new Shape(batch, 784));
                            NDArray y =
                                    scope.create(
                                            labels(train, order, s * batch, batch),
                                            new Shape(batch));
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray logits = trainer.forward(new NDList(x)).head();
                                NDArray loss =
                                        trainer.getLoss()
                                                .evaluate(new NDList(y), new NDList(logits));
                                gc.backward(loss);
                                lossSum += loss.getFloat();
                            }
                            trainer.step();
                        }
                    }
                    double acc = accuracy(trainer, manager, test);
                    System.out.printf(
                            Locale.ROOT,
                            "epoch %d: train loss %.4f, test accuracy %.2f%%, %.0f s%n",
                            epoch,
                            lossSum / steps,
                            100 * acc,
                            (System.nanoTime() - start) / 1e9);
                }
            }
        }
    }

    private static double accuracy(Trainer trainer, NDManager manager, FashionMnist test) {
        int[] order = new int[test.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int correct = 0;
        for (int from = 0; from < test.size(); from += 1000) {
            int n = Math.min(1000, test.size() - from);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(pixels(test, order, from, n), new Shape(n, 784));
                NDArray pred = trainer.evaluate(new NDList(x)).head().argMax(1);
                long[] p = pred.toLongArray();
                float[] y = labels(test, order, from, n);
                for (int i = 0; i < n; i++) {
                    correct += p[i] == (long) y[i] ? 1 : 0;
                }
            }
        }
        return correct / (double) test.size();
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Pixels of a batch scaled to [-1, 1], as efficient-kan's MNIST example normalises them. */
    private static float[] pixels(FashionMnist data, int[] order, int from, int count) {
        float[] x = new float[count * 784];
        for (int b = 0; b < count; b++) {
            data.copyImage(order[from + b], x, b * 784);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 2f - 1f;
        }
        return x;
    }

    private static float[] labels(FashionMnist data, int[] order, int from, int count) {
        float[] y = new float[count];
        for (int b = 0; b < count; b++) {
            y[b] = data.labels()[order[from + b]];
        }
        return y;
    }
}
