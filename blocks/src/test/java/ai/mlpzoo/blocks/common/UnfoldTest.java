package ai.mlpzoo.blocks.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnfoldTest {

    /**
     * F.unfold by its definition: out[b, i·Lw + j, c·k² + r·k + q] = xpad[b, c, i·s + r, j·s + q].
     */
    private static float[] naive(float[] x, int b, int c, int h, int w, int k, int s) {
        int pad = (k - s) / 2;
        int lh = (h + 2 * pad - k) / s + 1;
        int lw = (w + 2 * pad - k) / s + 1;
        float[] out = new float[b * lh * lw * c * k * k];
        int o = 0;
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < lh; i++) {
                for (int j = 0; j < lw; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int r = 0; r < k; r++) {
                            for (int q = 0; q < k; q++) {
                                int y = i * s + r - pad;
                                int xx = j * s + q - pad;
                                boolean in = y >= 0 && y < h && xx >= 0 && xx < w;
                                out[o++] = in ? x[((n * c + ch) * h + y) * w + xx] : 0f;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({
        "4, 4, 8, 8",
        "8, 4, 8, 12",
        "2, 2, 4, 4",
        "4, 2, 4, 6",
        "9, 3, 6, 9",
        "1, 1, 3, 2"
    })
    void unfoldIsTorchUnfold(int k, int s, int h, int w) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 3, h, w));
            NDArray y = Unfold.unfold(x, k, s);
            assertEquals(new Shape(2, (h / s) * (w / s), 3L * k * k), y.getShape());
            float[] want = naive(x.toFloatArray(), 2, 3, h, w, k, s);
            float[] got = y.toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 0f, "element " + i);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"6, 4, 8, 8, multiple", "6, 3, 6, 6, even", "4, 4, 6, 8, does not divide"})
    void impossibleSizesAreNamed(int k, int s, int h, int w, String words) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Unfold.check(k, s, h, w));
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }
}
