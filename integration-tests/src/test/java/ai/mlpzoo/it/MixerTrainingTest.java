package ai.mlpzoo.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.MixerConfig;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.train.LogitsLoss;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A small Mixer learns Fashion-MNIST: the loss of a few hundred steps falls far below the start.
 */
class MixerTrainingTest {

    @Test
    void smallMixerLowersItsLossOnFashionMnist() throws Exception {
        assumeTrue(FashionMnist.isInstalled(), FashionMnist.notInstalledMessage());
        FashionMnist data =
                FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TRAIN, 4096);
        MixerConfig config =
                Configs.readMixer(
                        ("{\"block\": \"mixer\", \"img_size\": 28, \"in_chans\": 1, \"patch_size\": 7,"
                                        + " \"num_blocks\": 2, \"embed_dim\": 64, \"num_classes\": 10}")
                                .getBytes(StandardCharsets.UTF_8),
                        "test");
        int batch = 64;
        int steps = 300;
        LogitsLoss loss = new LogitsLoss(0f);
        Optimizer adamw =
                Optimizer.adamW()
                        .optLearningRateTracker(Tracker.fixed(2e-3f))
                        .optWeightDecays(0.01f)
                        .build();
        DefaultTrainingConfig tc = new DefaultTrainingConfig(loss).optOptimizer(adamw);
        Random random = new Random(42);
        float first = 0;
        float last = 0;
        try (Model model = Model.newInstance("mixer")) {
            model.setBlock(config.toBlock());
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.getManager().getEngine().setRandomSeed(42);
                trainer.initialize(new Shape(batch, 1, 28, 28));
                float[] px = new float[batch * 784];
                float[] lab = new float[batch];
                for (int step = 0; step < steps; step++) {
                    for (int i = 0; i < batch; i++) {
                        int idx = random.nextInt(data.size());
                        data.copyImage(idx, px, i * 784);
                        lab[i] = data.labels()[idx];
                    }
                    try (NDManager sub = trainer.getManager().newSubManager()) {
                        NDArray x =
                                sub.create(px, new Shape(batch, 1, 28, 28))
                                        .sub(FashionMnist.MEAN)
                                        .div(FashionMnist.STD);
                        NDArray y = sub.create(lab);
                        float value;
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList pred = trainer.forward(new NDList(x));
                            NDArray l = loss.evaluate(new NDList(y), pred);
                            gc.backward(l);
                            value = l.getFloat();
                        }
                        trainer.step();
                        if (step < 10) {
                            first += value / 10;
                        }
                        if (step >= steps - 30) {
                            last += value / 30;
                        }
                    }
                }
            }
        }
        System.out.printf(
                "Mixer on Fashion-MNIST: loss %.3f over the first 10 steps, %.3f over the last 30%n",
                first, last);
        assertTrue(first > 1.8f, "an untrained 10-class model starts near ln 10: " + first);
        assertTrue(last < 0.45f * first, "loss fell from " + first + " to " + last);
    }
}
