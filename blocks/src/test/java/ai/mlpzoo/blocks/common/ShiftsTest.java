package ai.mlpzoo.blocks.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ShiftsTest {

    @Test
    void rollMatchesTorchRollOnBothAxesAndSigns() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(0f, 12f).reshape(3, 4); // rows 0..3, 4..7, 8..11
            // torch.roll(x, 1, 1): out[k] = in[(k - 1) mod 4]
            assertArrayEquals(
                    new float[] {3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10},
                    Shifts.roll(x, 1, 1).toFloatArray());
            // torch.roll(x, -2, 1)
            assertArrayEquals(
                    new float[] {2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9},
                    Shifts.roll(x, -2, -1).toFloatArray());
            // torch.roll(x, 1, 0): the last row comes first
            assertArrayEquals(
                    new float[] {8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7},
                    Shifts.roll(x, 1, 0).toFloatArray());
            // a shift longer than the axis wraps: 5 on 3 rows is 2
            assertArrayEquals(
                    Shifts.roll(x, 2, 0).toFloatArray(), Shifts.roll(x, 5, 0).toFloatArray());
            assertSame(x, Shifts.roll(x, 4, 1), "a whole turn is the identity");
            assertEquals(new Shape(3, 4), Shifts.roll(x, -7, 1).getShape());
            assertThrows(IllegalArgumentException.class, () -> Shifts.roll(x, 1, 2));
        }
    }

    @Test
    void rollKeepsEveryElementOfA4dMap() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 3, 5, 6));
            NDArray y = Shifts.roll(x, -2, 2);
            // element (n, c, i, j) of y is x's (n, c, (i + 2) mod 5, j)
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(
                        x.get(":, :, " + ((i + 2) % 5) + ", :").toFloatArray(),
                        y.get(":, :, " + i + ", :").toFloatArray());
            }
        }
    }
}
