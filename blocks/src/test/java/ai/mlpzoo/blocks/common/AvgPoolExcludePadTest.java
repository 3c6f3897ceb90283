package ai.mlpzoo.blocks.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Average pooling that does not count the padding, against a loop over the window by hand. */
class AvgPoolExcludePadTest {

    @ParameterizedTest
    @CsvSource({"3, 5, 7", "3, 1, 1", "3, 2, 3", "5, 4, 6", "1, 3, 3", "5, 9, 2"})
    void equalsTheMeanOfTheInImagePixels(int k, int h, int w) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(k * 100 + h * 10 + w);
            NDArray x = m.randomNormal(new Shape(2, 3, h, w));
            float[] in = x.toFloatArray();
            float[] got = AvgPoolExcludePad.apply(x, k).toFloatArray();
            int p = k / 2;
            double worst = 0;
            for (int n = 0; n < 6; n++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double sum = 0;
                        int count = 0;
                        for (int a = Math.max(0, i - p); a <= Math.min(h - 1, i + p); a++) {
                            for (int b = Math.max(0, j - p); b <= Math.min(w - 1, j + p); b++) {
                                sum += in[(n * h + a) * w + b];
                                count++;
                            }
                        }
                        worst = Math.max(worst, Math.abs(sum / count - got[(n * h + i) * w + j]));
                    }
                }
            }
            assertTrue(worst < 1e-5, "max |diff| " + worst);
        }
    }

    @Test
    void aConstantImageStaysConstantAtTheBorder() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] y =
                    AvgPoolExcludePad.apply(m.ones(new Shape(1, 2, 4, 5)).mul(3f), 3)
                            .toFloatArray();
            for (float v : y) {
                assertEquals(3f, v, 1e-6f); // counting the padding would give 4/9 * 3 at a corner
            }
        }
    }

    @Test
    void countsAreTheWindowsInsideTheImage() {
        // 3x3 map, window 3: corners see 4 pixels, edges 6, the centre 9
        assertArrayEquals(new int[] {4, 6, 4, 6, 9, 6, 4, 6, 4}, AvgPoolExcludePad.counts(3, 3, 3));
    }

    @Test
    void evenOrNonPositiveWindowIsRefused() {
        for (int k : new int[] {0, 2, -3}) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> AvgPoolExcludePad.counts(4, 4, k));
            assertTrue(e.getMessage().contains("'pool_size'"), e.getMessage());
        }
    }
}
