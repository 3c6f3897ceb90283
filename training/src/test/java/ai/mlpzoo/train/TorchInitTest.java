package ai.mlpzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ForecastConfig;
import org.junit.jupiter.api.Test;

/** PyTorch's default initialisation for the forecasters. */
class TorchInitTest {

    @Test
    void linearWeightsAndBiasesAreUniformWithinOneOverRootFanIn() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            Linear l = Linear.builder().setUnits(200).build();
            TorchInit.apply(l);
            l.initialize(m, DataType.FLOAT32, new Shape(1, 64));
            NDArray w = l.getParameters().get("weight").getArray(); // (200, 64)
            NDArray b = l.getParameters().get("bias").getArray(); // (200)
            float bound = 1f / 8f; // 1 / sqrt(64)
            assertTrue(w.abs().max().getFloat() <= bound);
            assertTrue(b.abs().max().getFloat() <= bound);
            // U(-a, a) has std a / sqrt(3): 0.0722 for a = 1/8
            double std = Math.sqrt(w.square().mean().getFloat());
            assertEquals(bound / Math.sqrt(3), std, 0.004);
            assertTrue(b.abs().max().getFloat() > bound / 2, "the bias uses the weight's fan-in");
        }
    }

    @Test
    void anInitialTimeMixerForecastsOnTheScaleOfItsZScoredInput() {
        ForecastConfig c = (ForecastConfig) Configs.variant("timemixer_etth1_h96");
        Block block = c.toBlock();
        TorchInit.apply(block);
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            block.initialize(m, DataType.FLOAT32, new Shape(4, 96, 7), new Shape(4, 96, 4));
            NDArray x = m.randomNormal(new Shape(4, 96, 7)); // z-scored values
            NDArray marks = m.randomUniform(-0.5f, 0.5f, new Shape(4, 96, 4));
            NDArray y =
                    block.forward(new ParameterStore(m, false), new NDList(x, marks), false).head();
            // DJL's default (Xavier) gave outputs up to about 200 here, MSE against 0 about 2,700
            float meanSquare = y.square().mean().getFloat();
            assertTrue(meanSquare < 10, "mean square of the initial forecast: " + meanSquare);
        }
    }
}
