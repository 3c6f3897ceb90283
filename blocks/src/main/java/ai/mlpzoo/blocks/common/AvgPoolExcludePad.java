package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * Average pooling over a k x k window, stride 1, padding k / 2, that divides by the number of
 * in-image pixels under the window: PyTorch's {@code nn.AvgPool2d(k, 1, k // 2,
 * count_include_pad=False)}, the token mixer of PoolFormer (Yu et al. 2022, "MetaFormer Is Actually
 * What You Need for Vision"). At the border the average is over fewer pixels, so a constant image
 * stays constant; counting the zero padding would darken the border instead.
 *
 * <p>DJL's {@code Pool.avgPool2d} takes a {@code countIncludePad} flag, but whether an engine
 * honours it is the engine's business; this computes the window sum with the padding counted (what
 * every engine does) and divides by the in-image count, a constant of the map size, so the result
 * does not depend on the flag. ONNX's {@code AveragePool} with {@code count_include_pad=0} is the
 * same operation.
 */
public final class AvgPoolExcludePad {

    private AvgPoolExcludePad() {}

    /**
     * Pools every channel of every image.
     *
     * @param x (batch, channels, H, W)
     * @param poolSize the odd window edge k
     * @return (batch, channels, H, W): each pixel the mean of the in-image pixels within k / 2 rows
     *     and columns of it
     * @throws IllegalArgumentException when k is not a positive odd number or x is not 4-d
     */
    public static NDArray apply(NDArray x, int poolSize) {
        checkPoolSize(poolSize);
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException(
                    "pooling takes (batch, channels, H, W), got " + x.getShape());
        }
        int pad = poolSize / 2;
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        // mean with the zero padding counted, times k^2: the sum of the in-image pixels
        NDArray mean =
                Pool.avgPool2d(
                        x,
                        new Shape(poolSize, poolSize),
                        new Shape(1, 1),
                        new Shape(pad, pad),
                        false,
                        true); // (B, C, H, W)
        int[] counts = counts((int) h, (int) w, poolSize);
        float[] factors = new float[counts.length];
        for (int i = 0; i < counts.length; i++) {
            factors[i] = (float) poolSize * poolSize / counts[i];
        }
        // k^2 / count per pixel, (H, W), broadcast over batch and channels
        NDArray scale =
                x.getManager().create(factors, new Shape(h, w)).toType(x.getDataType(), false);
        return mean.mul(scale);
    }

    /**
     * The in-image count of every window, for documentation and tests: count[i][j] = (rows of
     * window i inside the image) * (columns of window j inside).
     *
     * @param h the map height
     * @param w the map width
     * @param poolSize the odd window edge
     * @return the counts, row-major (h * w)
     */
    public static int[] counts(int h, int w, int poolSize) {
        checkPoolSize(poolSize);
        int pad = poolSize / 2;
        int[] out = new int[h * w];
        for (int i = 0; i < h; i++) {
            int rows = Math.min(i + pad, h - 1) - Math.max(i - pad, 0) + 1;
            for (int j = 0; j < w; j++) {
                out[i * w + j] = rows * (Math.min(j + pad, w - 1) - Math.max(j - pad, 0) + 1);
            }
        }
        return out;
    }

    private static void checkPoolSize(int poolSize) {
        if (poolSize < 1 || poolSize % 2 == 0) {
            throw new IllegalArgumentException(
                    Checks.field("pool_size")
                            + " must be a positive odd number (the window is centred), got "
                            + poolSize);
        }
    }
}
