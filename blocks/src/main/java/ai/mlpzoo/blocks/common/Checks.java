package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Argument checks that turn bad input into a message instead of a native crash or a silent NaN.
 * This is the one place where the rules on sizes and rates are written: block builders call it, and
 * configs delegate to the builders, so a rule and its message exist once. Names are the snake_case
 * config fields (timm's argument names), so a message reads the same whether the value came from a
 * builder call or from a JSON file.
 */
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
     * @param field the field's name, as a config spells it (e.g. {@code embed_dim})
     * @return the value
     */
    public static int positive(int value, String field) {
        if (value <= 0) {
            throw new IllegalArgumentException(field(field) + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * Fails unless {@code value} is a finite number above zero.
     *
     * @param value the value
     * @param field the field's name, as a config spells it
     * @return the value
     */
    public static double positive(double value, String field) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field(field) + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * Fails unless {@code value} is a finite number at or above zero.
     *
     * @param value the value
     * @param field the field's name, as a config spells it
     * @return the value
     */
    public static double nonNegative(double value, String field) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    field(field) + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    /**
     * Fails unless {@code value} lies in [0, 1): a dropout or stochastic-depth rate.
     *
     * @param value the value
     * @param field the field's name, as a config spells it
     * @return the value
     */
    public static float probability(float value, String field) {
        probability((double) value, field);
        return value;
    }

    /**
     * Fails unless {@code value} lies in [0, 1).
     *
     * @param value the value
     * @param field the field's name, as a config spells it
     * @return the value
     */
    public static double probability(double value, String field) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(field(field) + " must be in [0, 1), got " + value);
        }
        return value;
    }

    /**
     * Fails unless {@code divisor} divides {@code value}.
     *
     * @param divisor the divisor
     * @param divisorField its field's name
     * @param value the value to divide
     * @param valueField its field's name
     */
    public static void divides(int divisor, String divisorField, int value, String valueField) {
        if (divisor == 0 || value % divisor != 0) {
            throw new IllegalArgumentException(
                    field(divisorField)
                            + " ("
                            + divisor
                            + ") does not divide "
                            + field(valueField)
                            + " ("
                            + value
                            + ")");
        }
    }

    /**
     * How a message names a field, the same from a builder and from a JSON file: {@code field
     * 'name'}.
     *
     * @param name the field's name, as a config spells it
     * @return the quoted name
     */
    public static String field(String name) {
        return "field '" + name + "'";
    }

    private static String describe(long[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i] < 0 ? (i == 0 ? "batch" : "*") : dims[i]);
        }
        return sb.append(')').toString();
    }
}
