package ai.mlpzoo.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureGridTest {

    @TempDir Path tmp;

    @Test
    void topActivatingImagesInAGrid() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray acts =
                    m.create(new float[] {0.1f, 5f, 0f, 3f, 2f, 1f, 0.5f, 4f}, new Shape(4, 2));
            assertArrayEquals(new int[] {2, 3}, FeatureGrid.topActivating(acts, 0, 2));
            assertArrayEquals(new int[] {0, 3, 1}, FeatureGrid.topActivating(acts, 1, 3));
            // image i is a constant ramp: left half black, right half white
            float[] px = new float[4 * 4 * 4];
            for (int i = 0; i < 4; i++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        px[i * 16 + y * 4 + x] = x < 2 ? i : i + 1;
                    }
                }
            }
            NDArray images = m.create(px, new Shape(4, 1, 4, 4));
            Path png = tmp.resolve("grid.png");
            FeatureGrid.write(png, images, new int[][] {{1, 2}, {0, 3, 1}}, 2);
            BufferedImage img = ImageIO.read(png.toFile());
            assertEquals(3 * 10 + 2, img.getWidth()); // 3 columns of 4*2+2 pixels, plus padding
            assertEquals(2 * 10 + 2, img.getHeight());
            assertEquals(0x000000, img.getRGB(2, 2) & 0xffffff);
            assertEquals(0xffffff, img.getRGB(2 + 7, 2) & 0xffffff);
            assertThrows(
                    IllegalArgumentException.class, () -> FeatureGrid.topActivating(acts, 5, 1));
        }
    }
}
