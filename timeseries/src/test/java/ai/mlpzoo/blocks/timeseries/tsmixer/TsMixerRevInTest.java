package ai.mlpzoo.blocks.timeseries.tsmixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.mlpzoo.blocks.kan.BaseActivation;
import org.junit.jupiter.api.Test;

/**
 * The paper's {@code tsmixer_rev_in}: RevIN makes the forecast follow the window's level and scale.
 */
class TsMixerRevInTest {

    private static TsMixer model(boolean revIn, int outChannels) {
        return new TsMixer(
                24,
                6,
                3,
                outChannels,
                BaseActivation.RELU,
                3,
                0.9f,
                8,
                true,
                TsMixerNorm.Type.LAYER,
                revIn);
    }

    @Test
    void forecastMovesWithTheWindowsLevelAndScale() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            TsMixer block = model(true, 3);
            block.setInitializer(new NormalInitializer(0.3f), ai.djl.nn.Parameter.Type.WEIGHT);
            block.initialize(m, DataType.FLOAT32, new Shape(2, 24, 3));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 24, 3)); // (2, 24, 3)
            NDArray y = block.forward(ps, new NDList(x), false).head(); // (2, 6, 3)
            // per channel a*x + b: RevIN takes the window's own mean and deviation out and puts
            // them back, so the forecast is a*y + b (exactly, up to RevIN's eps)
            NDArray a = m.create(new float[] {3f, 0.5f, 10f}); // (3,)
            NDArray b = m.create(new float[] {100f, -4f, 0.25f}); // (3,)
            NDArray y2 = block.forward(ps, new NDList(x.mul(a).add(b)), false).head();
            NDArray expected = y.mul(a).add(b); // (2, 6, 3)
            // relative to the forecast's size (up to about 100 here): float rounding and eps
            float diff = y2.sub(expected).abs().max().getFloat();
            float size = expected.abs().max().getFloat();
            assertTrue(diff < 1e-4f * size, "max |f(a x + b) - (a f(x) + b)| = " + diff);
            // without RevIN the same shift moves the forecast by something else entirely
            TsMixer plain = model(false, 3);
            plain.setInitializer(new NormalInitializer(0.3f), ai.djl.nn.Parameter.Type.WEIGHT);
            plain.initialize(m, DataType.FLOAT32, new Shape(2, 24, 3));
            NDArray p1 = plain.forward(ps, new NDList(x), false).head();
            NDArray p2 = plain.forward(ps, new NDList(x.mul(a).add(b)), false).head();
            float plainDiff = p2.sub(p1.mul(a).add(b)).abs().max().getFloat();
            assertTrue(plainDiff > 1f, "without RevIN the forecast does not follow: " + plainDiff);
        }
    }

    @Test
    void revInIsLastSoThatFilesWithoutItKeepTheirLayout() {
        TsMixer with = model(true, 3);
        TsMixer without = model(false, 3);
        assertNotNull(with.getRevIn());
        assertNull(without.getRevIn());
        String last = with.getChildren().keys().get(with.getChildren().size() - 1);
        assertTrue(last.endsWith("rev_in"), last); // DJL prefixes the child's index
        assertEquals(without.getChildren().size() + 1, with.getChildren().size());
    }

    @Test
    void revInNeedsAsManyOutputsAsInputs() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> model(true, 2));
        assertTrue(e.getMessage().contains("'rev_in'"), e.getMessage());
        assertTrue(e.getMessage().contains("'output_channels'"), e.getMessage());
    }
}
