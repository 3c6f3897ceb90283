package ai.mlpzoo.blocks.timeseries.patchtsmixer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.mlpzoo.blocks.common.MseLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PatchTSMixer's behaviour beyond the fixture: it trains in every norm and mode, keeps the
 * reference's channel order for prediction_channel_indices, patches with any stride and scales as
 * the reference does.
 */
class PatchTsMixerTest {

    @ParameterizedTest
    @EnumSource(MlpNorm.class)
    void lossFallsInMixChannelModeWithSelfAttention(MlpNorm norm) {
        PatchTsMixer block =
                PatchTsMixer.builder()
                        .contextLength(24)
                        .patchLength(6)
                        .patchStride(3)
                        .numInputChannels(2)
                        .dModel(8)
                        .numLayers(2)
                        .mode(PatchTsMixer.Mode.MIX_CHANNEL)
                        .normMlp(norm)
                        .selfAttn(true)
                        .selfAttnHeads(2)
                        .usePositionalEncoding(true)
                        .dropout(0.1f)
                        .headDropout(0.1f)
                        .predictionLength(4)
                        .build();
        try (Model model = Model.newInstance("patchtsmixer")) {
            model.setBlock(block);
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(new MseLoss())
                            .optOptimizer(
                                    Optimizer.adam()
                                            // 3e-3: at 1e-2 the LayerNorm + attention
                                            // variant diverged to NaN in some runs (thread
                                            // scheduling makes the sums differ run to run)
                                            .optLearningRateTracker(Tracker.fixed(3e-3f))
                                            .build());
            try (Trainer trainer = model.newTrainer(config)) {
                NDManager m = trainer.getManager();
                // seeded before the weights are drawn: the test's start is the same on every run
                m.getEngine().setRandomSeed(3);
                trainer.initialize(new Shape(8, 24, 2));
                NDArray t = m.arange(28f).reshape(1, 28, 1);
                NDArray phase = m.randomUniform(0f, 6f, new Shape(8, 1, 2));
                NDArray series = t.mul(0.5f).add(phase).sin().mul(3f).add(10f); // (8, 28, 2)
                NDArray x = series.get(new NDIndex(":, 0:24, :"));
                NDArray y = series.get(new NDIndex(":, 24:28, :"));
                float first = Float.NaN;
                float last = Float.NaN;
                StringBuilder history = new StringBuilder(); // the losses, for a failure message
                for (int step = 0; step < 60; step++) {
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray pred = trainer.forward(new NDList(x)).head();
                        assertEquals(new Shape(8, 4, 2), pred.getShape());
                        NDArray loss = pred.sub(y).square().mean();
                        gc.backward(loss);
                        // every gradient finite before the step (reading them also waits for
                        // the backward pass: without this read the LayerNorm variant sometimes
                        // went NaN at step 2, not understood yet; see the session notes)
                        for (var pp : block.getParameters()) {
                            NDArray w = pp.getValue().getArray();
                            if (w.hasGradient()) {
                                float g = w.getGradient().abs().max().getFloat();
                                assertTrue(
                                        Float.isFinite(g),
                                        norm + ": step " + step + ", gradient of " + pp.getKey());
                            }
                        }
                        last = loss.getFloat();
                        history.append(step).append(':').append(last).append(' ');
                        if (step == 0) {
                            first = last;
                        }
                    }
                    trainer.step();
                }
                System.out.printf("%s loss %.4f -> %.4f%n", norm, first, last);
                assertTrue(
                        last < 0.2f * first,
                        norm + ": loss " + first + " -> " + last + "; by step: " + history);
            }
        }
    }

    @Test
    void predictionChannelIndicesAreSortedAsTheReferenceSortsThem() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PatchTsMixer all = small(null);
            PatchTsMixer kept = small(new int[] {2, 0});
            assertArrayEquals(new int[] {0, 2}, kept.getPredictionChannels());
            assertEquals(2, kept.outputChannels());
            Shape in = new Shape(3, 16, 3);
            all.initialize(manager, DataType.FLOAT32, in);
            kept.initialize(manager, DataType.FLOAT32, in);
            // same weights: common_channel shares every weight across channels
            var src = all.getParameters();
            var dst = kept.getParameters();
            for (int i = 0; i < src.size(); i++) {
                Parameter p = dst.get(i).getValue();
                src.get(i).getValue().getArray().copyTo(p.getArray());
            }
            NDArray x = manager.randomNormal(new Shape(3, 16, 3)).mul(2).add(1);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray full = all.forward(ps, new NDList(x), false).head(); // (3, 5, 3)
            NDArray some = kept.forward(ps, new NDList(x), false).head(); // (3, 5, 2)
            assertEquals(new Shape(3, 5, 2), some.getShape());
            NDArray expected =
                    NDArray_concat(
                            full.get(new NDIndex(":, :, 0:1")), full.get(new NDIndex(":, :, 2:3")));
            assertTrue(
                    some.sub(expected).abs().max().getFloat() < 1e-6,
                    "the kept channels are channels 0 and 2, in that order");
        }
    }

    private static NDArray NDArray_concat(NDArray a, NDArray b) {
        return a.concat(b, 2);
    }

    private static PatchTsMixer small(int[] channels) {
        return PatchTsMixer.builder()
                .contextLength(16)
                .patchLength(4)
                .patchStride(4)
                .numInputChannels(3)
                .dModel(4)
                .numLayers(1)
                .predictionLength(5)
                .predictionChannelIndices(channels)
                .build();
    }

    @Test
    void patchesDropTheFirstStepsAndOverlapWithAShortStride() {
        // L 10, P 4, S 3: (10 - 4) // 3 + 1 = 3 patches covering 4 + 3 * 2 = 10 steps; with L 11
        // the first step is dropped
        PatchTsMixer block =
                PatchTsMixer.builder()
                        .contextLength(11)
                        .patchLength(4)
                        .patchStride(3)
                        .numInputChannels(1)
                        .build();
        assertEquals(3, block.getNumPatches());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.arange(11f).reshape(1, 11, 1);
            float[] patches = block.patchify(x).toFloatArray(); // (1, 1, 3, 4)
            assertArrayEquals(
                    new float[] {1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10},
                    patches,
                    "steps of each patch");
        }
    }

    @Test
    void scalersMatchTheReferenceFormulas() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1, -2, 3, 6, 5, 10}, new Shape(1, 3, 2));
            // channel 0: 1, 3, 5; channel 1: -2, 6, 10
            NDList std = Scaling.STD.apply(x);
            assertArrayEquals(new float[] {3f, 14f / 3}, std.get(1).toFloatArray(), 1e-6f);
            double var0 = (4 + 0 + 4) / 3.0;
            double var1 =
                    (Math.pow(-2 - 14 / 3.0, 2)
                                    + Math.pow(6 - 14 / 3.0, 2)
                                    + Math.pow(10 - 14 / 3.0, 2))
                            / 3;
            assertArrayEquals(
                    new float[] {(float) Math.sqrt(var0 + 1e-5), (float) Math.sqrt(var1 + 1e-5)},
                    std.get(2).toFloatArray(),
                    1e-5f);
            NDList mean = Scaling.MEAN.apply(x);
            assertArrayEquals(new float[] {0, 0}, mean.get(1).toFloatArray());
            assertArrayEquals(new float[] {3f, 6f}, mean.get(2).toFloatArray(), 1e-6f);
            assertEquals(Scaling.STD, Scaling.parse(Boolean.TRUE), "true is the std scaler");
            assertEquals(Scaling.NONE, Scaling.parse(null));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Scaling.parse(3));
            assertTrue(e.getMessage().startsWith("field 'scaling' must be"), e.getMessage());
        }
    }
}
