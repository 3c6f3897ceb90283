package ai.mlpzoo.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The first thing interpretability users look at: for each chosen latent, its top-activating input
 * images side by side. One row per latent, one column per rank; each image is min-max scaled on its
 * own so that contrast survives any normalisation of the dataset.
 */
public final class FeatureGrid {

    private FeatureGrid() {}

    /**
     * Ranks images by how strongly a latent fires on them.
     *
     * @param acts per-image latent activations (N, d_sae), e.g. the max over an image's tokens
     * @param latent the latent
     * @param k how many images
     * @return the indices of the k most activating images, strongest first
     */
    public static int[] topActivating(NDArray acts, int latent, int k) {
        Shape s = acts.getShape();
        if (s.dimension() != 2 || latent < 0 || latent >= s.get(1)) {
            throw new IllegalArgumentException(
                    "latent " + latent + " is not a column of activations " + s);
        }
        int n = (int) Math.min(k, s.get(0));
        NDList top = acts.get(":, {}", latent).topK(n, 0, true, true);
        long[] idx = top.get(1).toType(DataType.INT64, false).toLongArray();
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = (int) idx[i];
        }
        return out;
    }

    /**
     * Writes the grid as a PNG.
     *
     * @param file the PNG file
     * @param images (N, C, H, W) with C = 1 (grey) or 3 (RGB)
     * @param rows per latent, the image indices to show (as {@link #topActivating} gives)
     * @param scale the pixel magnification (e.g. 3 for 28x28 images)
     * @throws IOException when writing fails
     */
    public static void write(Path file, NDArray images, int[][] rows, int scale)
            throws IOException {
        Shape s = images.getShape();
        if (s.dimension() != 4 || (s.get(1) != 1 && s.get(1) != 3)) {
            throw new IllegalArgumentException("images must be (N, 1 or 3, H, W), got " + s);
        }
        if (scale <= 0 || rows.length == 0) {
            throw new IllegalArgumentException("need a positive scale and at least one row");
        }
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int cols = 0;
        for (int[] r : rows) {
            cols = Math.max(cols, r.length);
        }
        int pad = 2;
        int cellW = w * scale + pad;
        int cellH = h * scale + pad;
        BufferedImage img =
                new BufferedImage(
                        Math.max(1, cols) * cellW + pad,
                        rows.length * cellH + pad,
                        BufferedImage.TYPE_INT_RGB);
        float[] px = images.toType(DataType.FLOAT32, false).toFloatArray();
        int per = c * h * w;
        for (int r = 0; r < rows.length; r++) {
            for (int k = 0; k < rows[r].length; k++) {
                int index = rows[r][k];
                if (index < 0 || (long) (index + 1) * per > px.length) {
                    throw new IllegalArgumentException("image index " + index + " is out of range");
                }
                draw(img, px, index * per, c, h, w, pad + k * cellW, pad + r * cellH, scale);
            }
        }
        // ImageIO.write(.., File) deletes the target first: write through AtomicFiles instead
        ai.mlpzoo.io.AtomicFiles.write(
                file,
                os -> {
                    if (!ImageIO.write(img, "png", os)) {
                        throw new IOException("no PNG writer available");
                    }
                });
    }

    private static void draw(
            BufferedImage img,
            float[] px,
            int off,
            int c,
            int h,
            int w,
            int x0,
            int y0,
            int scale) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < c * h * w; i++) {
            min = Math.min(min, px[off + i]);
            max = Math.max(max, px[off + i]);
        }
        float range = max > min ? max - min : 1f;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] rgb = new int[3];
                for (int ch = 0; ch < 3; ch++) {
                    float v = px[off + (c == 1 ? 0 : ch) * h * w + y * w + x];
                    rgb[ch] = Math.round(255f * (v - min) / range);
                }
                int color = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, color);
                    }
                }
            }
        }
    }
}
