package ai.mlpzoo.train;

import java.util.Random;

/**
 * Augmentation for Fashion-MNIST: a random shift of up to {@code pad} pixels (the crop-with-padding
 * of CIFAR training) and a random horizontal flip. Clothing is left-right symmetric, and a garment
 * a little off-centre is still the same garment; rotations, vertical flips or colour changes would
 * make garments the test set never shows (an upside-down dress, a negative shirt), so we leave them
 * out.
 */
public final class Augment {

    private final int pad;
    private final boolean flip;

    /**
     * Creates the augmentation.
     *
     * @param pad the largest shift in pixels
     * @param flip whether to flip horizontally half the time
     */
    public Augment(int pad, boolean flip) {
        this.pad = pad;
        this.flip = flip;
    }

    /**
     * Writes an augmented copy of a square grey image.
     *
     * @param src size * size pixels
     * @param srcOff the image's position in src
     * @param dst where to write
     * @param dstOff the position in dst
     * @param size the edge
     * @param random the random source
     */
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, int size, Random random) {
        int dx = pad == 0 ? 0 : random.nextInt(2 * pad + 1) - pad;
        int dy = pad == 0 ? 0 : random.nextInt(2 * pad + 1) - pad;
        boolean mirror = flip && random.nextBoolean();
        for (int y = 0; y < size; y++) {
            int sy = y + dy;
            for (int x = 0; x < size; x++) {
                int sx = (mirror ? size - 1 - x : x) + dx;
                boolean inside = sy >= 0 && sy < size && sx >= 0 && sx < size;
                dst[dstOff + y * size + x] = inside ? src[srcOff + sy * size + sx] : 0f;
            }
        }
    }
}
