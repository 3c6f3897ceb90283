package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch's {@code F.unfold} (im2col) for the case the cross-scale embeddings use, which DJL lacks:
 * square k×k windows at stride s with zero padding (k − s) / 2, k a multiple of s, on a map whose
 * sides are multiples of s. Each of the (H / s)·(W / s) windows becomes one row of C·k² features
 * ordered (channel, row, column), as {@code F.unfold(x, k, stride=s, padding=(k−s)//2)
 * .transpose(1, 2)}.
 *
 * <p>Instead of k² strided copies, the padded map is cut into s×s cells and each window is m×m
 * cells (m = k / s): m² slices of the cell grid give every window at once.
 */
public final class Unfold {

    private Unfold() {}

    /**
     * Checks that {@link #unfold} can take these sizes.
     *
     * @param k the window edge
     * @param s the stride
     * @param h the map's height
     * @param w the map's width
     * @throws IllegalArgumentException naming the size that does not fit
     */
    public static void check(int k, int s, long h, long w) {
        if (s <= 0 || k <= 0 || k % s != 0) {
            throw new IllegalArgumentException(
                    "window " + k + " must be a positive multiple of the stride " + s);
        }
        if ((k - s) % 2 != 0) {
            throw new IllegalArgumentException(
                    "window "
                            + k
                            + " and stride "
                            + s
                            + " need an even k - s for padding (k - s) / 2"
                            + " to keep H / s windows");
        }
        if (h % s != 0 || w % s != 0) {
            throw new IllegalArgumentException(
                    "the stride " + s + " does not divide the " + h + "x" + w + " map");
        }
    }

    /**
     * Unfolds a map into windows.
     *
     * @param x (B, C, H, W)
     * @param k the window edge
     * @param s the stride
     * @return (B, (H / s)·(W / s), C·k²), windows row-major, features (channel, row, column)
     */
    public static NDArray unfold(NDArray x, int k, int s) {
        Shape in = x.getShape();
        long b = in.get(0);
        long c = in.get(1);
        check(k, s, in.get(2), in.get(3));
        int pad = (k - s) / 2;
        int m = k / s;
        long lh = in.get(2) / s;
        long lw = in.get(3) / s;
        // zero padding on H and W: (B, C, H + k - s, W + k - s)
        NDArray padded = pad == 0 ? x : x.pad(new Shape(pad, pad, pad, pad), 0);
        long ch = (in.get(2) + k - s) / s;
        long cw = (in.get(3) + k - s) / s;
        NDArray cells = padded.reshape(b, c, ch, s, cw, s); // (B, C, ch, s, cw, s)
        NDList parts = new NDList();
        for (int bi = 0; bi < m; bi++) {
            for (int bj = 0; bj < m; bj++) {
                parts.add(
                        cells.get(
                                new NDIndex(
                                        ":, :, {}:{}, :, {}:{}, :",
                                        bi,
                                        bi + lh,
                                        bj,
                                        bj + lw))); // (B, C, lh, s, lw, s)
            }
        }
        NDArray stacked = NDArrays.stack(parts, 2).reshape(b, c, m, m, lh, s, lw, s);
        // (B, lh, lw, C, bi, si, bj, sj): row = bi·s + si, column = bj·s + sj
        return stacked.transpose(0, 4, 6, 1, 2, 5, 3, 7).reshape(b, lh * lw, c * k * k);
    }
}
