package ai.mlpzoo.blocks.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** The BatchNorm of both TSMixers: batch statistics while training, PyTorch's running update. */
class FeatureBatchNormTest {

    @Test
    void trainingUsesBatchStatisticsAndUpdatesRunningOnesAsPyTorch() {
        int n = 6;
        int p = 5;
        int f = 3;
        try (NDManager manager = NDManager.newBaseManager()) {
            FeatureBatchNorm norm = new FeatureBatchNorm(f, 1e-5);
            norm.initialize(manager, DataType.FLOAT32, new Shape(n, p, f));
            manager.getEngine().setRandomSeed(7);
            NDArray x = manager.randomNormal(2f, 3f, new Shape(n, p, f), DataType.FLOAT32);
            float[] xs = x.toFloatArray();
            double[] mean = new double[f];
            double[] sq = new double[f];
            int count = n * p;
            for (int i = 0; i < xs.length; i++) {
                mean[i % f] += xs[i] / (double) count;
            }
            for (int i = 0; i < xs.length; i++) {
                double d = xs[i] - mean[i % f];
                sq[i % f] += d * d;
            }
            ParameterStore ps = new ParameterStore(manager, false);
            float[] y = norm.forward(ps, new NDList(x), true).head().toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                double expected = (xs[i] - mean[i % f]) / Math.sqrt(sq[i % f] / count + 1e-5);
                assertEquals(expected, y[i], 1e-4, "normalised value " + i);
            }
            float[] rm = norm.getParameters().get("running_mean").getArray().toFloatArray();
            float[] rv = norm.getParameters().get("running_var").getArray().toFloatArray();
            for (int c = 0; c < f; c++) {
                assertEquals(0.1 * mean[c], rm[c], 1e-5, "running_mean " + c);
                assertEquals(0.9 + 0.1 * sq[c] / (count - 1), rv[c], 1e-4, "running_var " + c);
            }
            // inference now uses the running statistics, not the batch's
            float[] z = norm.forward(ps, new NDList(x), false).head().toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                double expected = (xs[i] - rm[i % f]) / Math.sqrt(rv[i % f] + 1e-5);
                assertEquals(expected, z[i], 1e-4, "inference value " + i);
            }
        }
    }
}
