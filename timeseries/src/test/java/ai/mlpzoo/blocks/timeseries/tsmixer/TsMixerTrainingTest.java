package ai.mlpzoo.blocks.timeseries.tsmixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.mlpzoo.blocks.common.MseLoss;
import ai.mlpzoo.blocks.kan.BaseActivation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Google TSMixer trains: the training-mode forward (batch statistics, dropout) has gradients. */
class TsMixerTrainingTest {

    @ParameterizedTest
    @EnumSource(TsMixerNorm.Type.class)
    void lossFallsOnAToyForecastingTask(TsMixerNorm.Type norm) {
        TsMixer block =
                new TsMixer(
                        16,
                        4,
                        2,
                        2,
                        BaseActivation.GELU,
                        3,
                        0.1f,
                        8,
                        norm == TsMixerNorm.Type.BATCH,
                        norm);
        try (Model model = Model.newInstance("tsmixer")) {
            model.setBlock(block);
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(new MseLoss())
                            .optOptimizer(
                                    Optimizer.adam()
                                            .optLearningRateTracker(Tracker.fixed(0.01f))
                                            .build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(8, 16, 2));
                NDManager m = trainer.getManager();
                m.getEngine().setRandomSeed(3);
                // sine waves of random phase; the target is the next 4 steps
                NDArray t = m.arange(20f).reshape(1, 20, 1);
                NDArray phase = m.randomUniform(0f, 6f, new Shape(8, 1, 2));
                NDArray series = t.mul(0.5f).add(phase).sin(); // (8, 20, 2)
                NDArray x = series.get(new NDIndex(":, 0:16, :")); // (8, 16, 2)
                NDArray y = series.get(new NDIndex(":, 16:20, :")); // (8, 4, 2)
                float first = Float.NaN;
                float last = Float.NaN;
                for (int step = 0; step < 40; step++) {
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray pred = trainer.forward(new NDList(x)).head();
                        assertEquals(new Shape(8, 4, 2), pred.getShape());
                        NDArray loss = pred.sub(y).square().mean();
                        gc.backward(loss);
                        last = loss.getFloat();
                        if (step == 0) {
                            first = last;
                        }
                    }
                    trainer.step();
                }
                System.out.printf("%s loss %.4f -> %.4f%n", norm, first, last);
                assertTrue(last < 0.2f * first, norm + ": loss " + first + " -> " + last);
                if (norm == TsMixerNorm.Type.BATCH) {
                    float[] rm =
                            block.getLayers()
                                    .get(0)
                                    .getTimeMixing()
                                    .getNorm()
                                    .getParameters()
                                    .get("running_mean")
                                    .getArray()
                                    .toFloatArray();
                    assertNotEquals(0f, rm[0], "the running mean was never updated");
                }
            }
        }
    }

    @Test
    void numBlocksBuildsOneLayerFewerAsTorchtsmixer() {
        TsMixer one =
                new TsMixer(
                        8, 2, 3, 5, BaseActivation.RELU, 1, 0f, 4, true, TsMixerNorm.Type.BATCH);
        assertEquals(0, one.getLayers().size());
        assertEquals(3, one.outputChannels(), "output_channels is ignored without layers");
        TsMixer three =
                new TsMixer(
                        8, 2, 3, 5, BaseActivation.RELU, 3, 0f, 4, true, TsMixerNorm.Type.BATCH);
        assertEquals(2, three.getLayers().size());
        assertEquals(5, three.outputChannels());
        assertEquals(null, three.getLayers().get(0).getFeatureMixing().getProjection());
        assertNotEquals(null, three.getLayers().get(1).getFeatureMixing().getProjection());
    }
}
