package ai.mlpzoo.blocks.timeseries.timemixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.mlpzoo.blocks.common.MseLoss;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TimeMixer's paths that the reference fixture (channel independence, avg, moving average, no
 * marks) does not cover: shapes, finiteness, the documented quirks and training.
 */
class TimeMixerTest {

    private static TimeMixerArgs args(
            boolean ci, String pool, String decomp, boolean marks, boolean norm) {
        return new TimeMixerArgs(
                32, 8, 3, 3, 8, 16, 2, 2, 2, pool, decomp, 25, 5, ci, norm, 4, marks, 0.1f);
    }

    private static TimeMixer build(NDManager manager, TimeMixerArgs a) {
        TimeMixer block = new TimeMixer(a);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, a.seqLen(), a.encIn()));
        return block;
    }

    /** Values with a trend and a daily cycle, so that every path sees structure. */
    private static NDArray series(NDManager m, long batch) {
        NDArray t = m.arange(32f).reshape(1, 32, 1);
        NDArray c = m.arange(3f).reshape(1, 1, 3);
        NDArray b = m.arange((float) batch).reshape(batch, 1, 1);
        return t.mul(0.05f).add(t.mul(0.4f).add(c).add(b).sin()).add(b.mul(0.3f)); // (B, 32, 3)
    }

    private static NDArray marks(NDManager m, long batch) {
        return m.randomUniform(-0.5f, 0.5f, new Shape(batch, 32, 4));
    }

    @ParameterizedTest
    @CsvSource({
        "true, avg, moving_avg, false, true",
        "false, avg, moving_avg, false, true",
        "true, max, moving_avg, true, true",
        "false, max, dft_decomp, true, false",
        "true, avg, dft_decomp, true, true",
        "false, avg, moving_avg, true, false"
    })
    void everyPathGivesAFiniteForecastOfTheRightShape(
            boolean ci, String pool, String decomp, boolean marks, boolean norm) {
        try (NDManager m = NDManager.newBaseManager()) {
            TimeMixer block = build(m, args(ci, pool, decomp, marks, norm));
            NDList in = marks ? new NDList(series(m, 3), marks(m, 3)) : new NDList(series(m, 3));
            NDList out = block.forwardWithScales(new ParameterStore(m, false), in, false);
            assertEquals(new Shape(3, 8, 3), out.get(0).getShape());
            assertEquals(4, out.size());
            for (NDArray a : out) {
                assertEquals(new Shape(3, 8, 3), a.getShape());
                assertFalse(a.isNaN().logicalOr(a.isInfinite()).any().getBoolean());
            }
            assertEquals(marks ? 4 : 0, block.timeFeatures());
            assertEquals(
                    new Shape(3, 8, 3),
                    block.getOutputShapes(new Shape[] {new Shape(3, 32, 3)})[0]);
        }
    }

    @Test
    void channelIndependenceDecidesTheParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            Set<String> ci =
                    NamedParameters.of(build(m, args(true, "avg", "moving_avg", false, true)))
                            .keySet();
            Set<String> mixed =
                    NamedParameters.of(build(m, args(false, "avg", "moving_avg", false, true)))
                            .keySet();
            assertTrue(ci.contains("enc_embedding.value_embedding.tokenConv.weight"));
            assertTrue(ci.contains("enc_embedding.temporal_embedding.embed.weight"));
            assertFalse(ci.contains("pdm_blocks.0.cross_layer.0.weight"));
            assertFalse(ci.contains("out_res_layers.0.weight"));
            assertTrue(mixed.contains("pdm_blocks.1.cross_layer.2.bias"));
            assertTrue(mixed.contains("regression_layers.2.weight"));
            assertTrue(mixed.contains("pdm_blocks.1.out_cross_layer.2.bias"), "built, unused");
            TimeMixer b = build(m, args(false, "avg", "moving_avg", false, true));
            assertEquals(
                    new Shape(8, 3, 3),
                    NamedParameters.of(b)
                            .get("enc_embedding.value_embedding.tokenConv.weight")
                            .getShape());
            assertEquals(
                    new Shape(3, 8),
                    NamedParameters.of(b).get("projection_layer.weight").getShape());
        }
    }

    /**
     * The reference repeats the marks as x_mark.repeat(N, 1, 1): with channel independence row r
     * (sample r / N, channel r % N) gets sample r % B's marks, so sample 0's forecast depends on
     * sample 1's marks. Without channel independence it does not.
     */
    @Test
    void marksAreRepeatedAsTheReferenceDoes() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (boolean ci : new boolean[] {true, false}) {
                TimeMixer block = build(m, args(ci, "avg", "moving_avg", true, true));
                ParameterStore ps = new ParameterStore(m, false);
                NDArray x = series(m, 2);
                NDArray marks = marks(m, 2);
                NDArray other = marks.duplicate();
                other.set(
                        new ai.djl.ndarray.index.NDIndex("1"),
                        m.randomUniform(-0.5f, 0.5f, new Shape(32, 4)));
                NDArray y1 = block.forward(ps, new NDList(x, marks), false).head().get("0");
                NDArray y2 = block.forward(ps, new NDList(x, other), false).head().get("0");
                float diff = y1.sub(y2).abs().max().getFloat();
                if (ci) {
                    assertTrue(diff > 1e-4, "sample 0 reads sample 1's marks, diff " + diff);
                } else {
                    assertTrue(diff < 1e-6, "sample 0 is independent of sample 1, diff " + diff);
                }
            }
        }
    }

    /**
     * The reference's DFT decomposition gives sample 0 of the batch season 0 and every other sample
     * season x: a series' forecast depends on its position in the batch; the moving average's does
     * not.
     */
    @Test
    void dftDecompositionDependsOnThePositionInTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = series(m, 2);
            NDArray swapped =
                    ai.djl.ndarray.NDArrays.concat(new NDList(x.get("1:"), x.get(":1")), 0);
            for (String decomp : new String[] {"dft_decomp", "moving_avg"}) {
                TimeMixer block = build(m, args(false, "avg", decomp, false, true));
                ParameterStore ps = new ParameterStore(m, false);
                NDArray a = block.forward(ps, new NDList(x), false).head().get("0");
                NDArray b = block.forward(ps, new NDList(swapped), false).head().get("1");
                float diff = a.sub(b).abs().max().getFloat();
                if (decomp.equals("dft_decomp")) {
                    assertTrue(diff > 1e-4, "position-dependent, diff " + diff);
                } else {
                    assertTrue(diff < 1e-5, "position-independent, diff " + diff);
                }
            }
            NDList parts = SeriesDecomposition.dft(x);
            assertEquals(0f, parts.get(0).get("0").abs().max().getFloat());
            assertEquals(0f, parts.get(1).get("1").abs().max().getFloat());
        }
    }

    @Test
    void movingAverageReplicatesTheEdges() {
        try (NDManager m = NDManager.newBaseManager()) {
            // x = 0, 1, 2, 3 with kernel 5: padded 0 0 | 0 1 2 3 | 3 3; averages 0.6, 1.2, 1.8, 2.4
            NDArray x = m.arange(4f).reshape(1, 4, 1);
            NDList parts = SeriesDecomposition.movingAverage(x, 5);
            float[] trend = parts.get(1).toFloatArray();
            float[] expected = {0.6f, 1.2f, 1.8f, 2.4f};
            for (int i = 0; i < 4; i++) {
                assertEquals(expected[i], trend[i], 1e-6);
            }
            assertEquals(-0.6f, parts.get(0).toFloatArray()[0], 1e-6);
        }
    }

    @Test
    void trainingWithDropoutLowersTheLoss() throws Exception {
        TimeMixerArgs a = args(true, "avg", "moving_avg", true, true);
        try (Model model = Model.newInstance("timemixer")) {
            model.setBlock(new TimeMixer(a));
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(new MseLoss())
                            .optOptimizer(
                                    Optimizer.adam()
                                            .optLearningRateTracker(Tracker.fixed(0.01f))
                                            .build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(4, 32, 3), new Shape(4, 32, 4));
                NDManager m = trainer.getManager();
                NDArray x = series(m, 4);
                NDArray marks = marks(m, 4);
                NDArray target = x.get(":, 24:, :").mul(0.5f); // (4, 8, 3)
                float first = 0;
                float last = 0;
                long t0 = System.nanoTime();
                for (int step = 0; step < 12; step++) {
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray pred = trainer.forward(new NDList(x, marks)).head();
                        NDArray loss = pred.sub(target).square().mean();
                        gc.backward(loss);
                        float v = loss.getFloat();
                        if (step == 0) {
                            first = v;
                        }
                        last = v;
                    }
                    trainer.step();
                }
                System.out.printf(
                        "TimeMixer training: loss %.4f -> %.4f in 12 steps, %.0f ms/step%n",
                        first, last, (System.nanoTime() - t0) / 12e6);
                assertTrue(last < first * 0.5f, "loss " + first + " -> " + last);
                // dropout acts in training mode only
                ParameterStore ps = new ParameterStore(m, false);
                TimeMixer block = (TimeMixer) model.getBlock();
                NDArray t1 = block.forward(ps, new NDList(x, marks), true).head();
                NDArray t2 = block.forward(ps, new NDList(x, marks), true).head();
                NDArray e1 = block.forward(ps, new NDList(x, marks), false).head();
                NDArray e2 = block.forward(ps, new NDList(x, marks), false).head();
                assertTrue(t1.sub(t2).abs().max().getFloat() > 0, "dropout is random");
                assertEquals(0f, e1.sub(e2).abs().max().getFloat(), "inference is deterministic");
            }
        }
    }

    @Test
    void badInputsAreNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            TimeMixer block = build(m, args(true, "avg", "moving_avg", true, true));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> block.checkInput(m.zeros(new Shape(2, 31, 3))));
            assertTrue(e.getMessage().contains("(batch, 32, 3)"), e.getMessage());
            NDArray nan = m.zeros(new Shape(1, 32, 3));
            nan.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0"), Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> block.checkInput(nan));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> block.checkMarks(m.zeros(new Shape(2, 32, 3)), 2));
            assertTrue(e.getMessage().contains("(2, 32, 4)"), e.getMessage());
        }
    }
}
