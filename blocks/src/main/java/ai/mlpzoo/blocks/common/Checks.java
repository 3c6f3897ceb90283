package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Argument checks that turn bad input into a message instead of a native crash or a silent NaN. */
public final class Checks {

    private Checks() {}

    /**
     * Fails unless {@code array} has the given shape, where a negative expected dimension matches
     * any size (the batch).
     *
     * @param array the array to check
     * @param what what the array is, for the message
     * @param expected the expected dimensions, -1 for "any"
     */
    public static void requireShape(NDArray array, String what, long... expected) {
        Shape actual = array.getShape();
        boolean ok = actual.dimension() == expected.length;
        for (int i = 0; ok && i < expected.length; i++) {
            ok = expected[i] < 0 || actual.get(i) == expected[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(
                    what + " must have shape " + describe(expected) + ", got " + actual);
        }
    }

    /**
     * Fails if {@code array} holds a NaN or an infinity.
     *
     * @param array the array to check
     * @param what what the array is, for the message
     */
    public static void requireFinite(NDArray array, String what) {
        if (!array.getDataType().isFloating()) {
            return;
        }
        try (NDArray bad = array.isNaN().logicalOr(array.isInfinite()).any()) {
            if (bad.getBoolean()) {
                throw new IllegalArgumentException(what + " contains NaN or infinite values");
            }
        }
    }

    /**
     * Fails unless {@code value} is positive.
     *
     * @param value the value
     * @param name the field name, for the message
     * @return the value
     */
    public static int positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * Fails unless {@code value} lies in [0, 1).
     *
     * @param value the value
     * @param name the field name, for the message
     * @return the value
     */
    public static float probability(float value, String name) {
        if (!(value >= 0f && value < 1f)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
        return value;
    }

    private static String describe(long[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i] < 0 ? (i == 0 ? "batch" : "*") : dims[i]);
        }
        return sb.append(')').toString();
    }
}
