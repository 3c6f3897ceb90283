package ai.mlpzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void firstStepMovesEachWeightByTheLearningRateAndDecaysMatricesOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            AdamW adamw = new AdamW(step -> 0.1, 0.5f);
            NDArray matrix =
                    m.create(new float[] {1f, 1f, 1f, 1f}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray vector = m.create(new float[] {1f, 1f});
            adamw.update("w", matrix, m.create(new float[] {2f, -2f, 2f, -2f}).reshape(2, 2));
            adamw.update("b", vector, m.create(new float[] {3f, -3f}));
            // Adam's first step is lr * sign(g); decoupled decay multiplies by 1 - lr * wd = 0.95
            assertArrayEquals(
                    new float[] {0.85f, 1.05f, 0.85f, 1.05f}, matrix.toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.9f, 1.1f}, vector.toFloatArray(), 1e-5f);
            adamw.close();
        }
    }

    @Test
    void aGradientWhoseSquareOverflowsStopsTheRunNamingTheParameter() {
        try (NDManager m = NDManager.newBaseManager()) {
            AdamW adamw = new AdamW(step -> 1e-3, 0f);
            adamw.setParameterNames(Map.of("id-1", "head.bias"));
            adamw.setStep(41);
            NDArray w = m.create(new float[] {0f, 0f});
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () -> adamw.update("id-1", w, m.create(new float[] {1e30f, 1f})));
            assertTrue(e.getMessage().contains("at step 41"), e.getMessage());
            assertTrue(e.getMessage().contains("second moment of head.bias"), e.getMessage());
            assertTrue(e.getMessage().contains("overflows float32"), e.getMessage());
            IllegalStateException nan =
                    assertThrows(
                            IllegalStateException.class,
                            () -> adamw.update("id-2", w, m.create(new float[] {Float.NaN, 1f})));
            assertTrue(nan.getMessage().contains("parameter id-2"), nan.getMessage());
            adamw.close();
        }
    }
}
