package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Circular shifts, which DJL's NDArray lacks: {@link #roll} is PyTorch's {@code torch.roll} along
 * one axis, built from two slices and a concatenation so that every engine runs it (and the ONNX
 * exporter writes the same two {@code Slice} nodes and one {@code Concat}).
 */
public final class Shifts {

    private Shifts() {}

    /**
     * Rolls {@code x} by {@code shift} along {@code axis}: {@code out[k] = x[(k - shift) mod n]},
     * as {@code torch.roll(x, shift, axis)}; elements pushed past one end come back at the other.
     *
     * @param x the array, any shape
     * @param shift the distance, negative to roll towards index 0
     * @param axis the axis (negative counts from the end)
     * @return a new array of the same shape, or {@code x} itself when the shift is a multiple of
     *     the axis length
     */
    public static NDArray roll(NDArray x, long shift, int axis) {
        int rank = x.getShape().dimension();
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException(
                    "axis " + axis + " is out of range for " + x.getShape());
        }
        long n = x.getShape().get(ax);
        long s = split(shift, n);
        if (s == 0) {
            return x;
        }
        // the last s elements come first: [x[n-s:], x[:n-s]]
        NDList parts = x.split(new long[] {n - s}, ax);
        try {
            return parts.get(1).concat(parts.get(0), ax);
        } finally {
            parts.close();
        }
    }

    /**
     * Where {@link #roll} cuts an axis: the shift reduced to [0, n).
     *
     * @param shift the distance, any sign
     * @param n the axis length
     * @return {@code shift mod n}, in [0, n)
     */
    public static long split(long shift, long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("cannot roll an empty axis");
        }
        return Math.floorMod(shift, n);
    }
}
