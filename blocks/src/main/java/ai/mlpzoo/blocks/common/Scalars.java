package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic with a constant whose gradient stays right. DJL 0.36's PyTorch engine runs {@code
 * x.mul(3f)} as: create a 0-d tensor over a Java direct buffer ({@code torch::from_blob}, which
 * does not own the memory), multiply, close the Java array. PyTorch's autograd keeps that scalar
 * for the backward pass (d(x·c)/dx = c), but nothing keeps the buffer: after a garbage collection
 * frees it and the memory is reused, the backward multiplies by whatever is there. The symptom is a
 * training that diverges at a random step (a gradient of 1e33 or NaN; KAT's runs stopped between
 * steps 12 and 100) while every forward value is right. {@code ScalarsTest} reproduces it with
 * DJL's own {@code mul(Number)} and shows these methods immune.
 *
 * <p>Each method here makes the constant with {@code full}, a tensor PyTorch allocates and
 * reference-counts, so autograd's copy outlives the Java array. Operations whose backward does not
 * read the constant ({@code add}, {@code sub}) and comparisons are safe with a {@code Number};
 * {@code NumberOperandsTest} (cli) fails the build when main code calls {@code mul}, {@code div},
 * {@code pow}, {@code maximum}, {@code minimum} or their in-place forms with a {@code Number}.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * @param x the array
     * @param c the constant
     * @return x · c
     */
    public static NDArray mul(NDArray x, double c) {
        return apply(x, c, NDArray::mul);
    }

    /**
     * @param x the array
     * @param c the constant
     * @return x / c
     */
    public static NDArray div(NDArray x, double c) {
        return apply(x, c, NDArray::div);
    }

    /**
     * @param x the array
     * @param c the exponent
     * @return x ^ c
     */
    public static NDArray pow(NDArray x, double c) {
        return apply(x, c, NDArray::pow);
    }

    /**
     * @param x the array
     * @param c the floor
     * @return max(x, c), element-wise
     */
    public static NDArray maximum(NDArray x, double c) {
        return apply(x, c, NDArray::maximum);
    }

    /**
     * @param x the array
     * @param c the ceiling
     * @return min(x, c), element-wise
     */
    public static NDArray minimum(NDArray x, double c) {
        return apply(x, c, NDArray::minimum);
    }

    /**
     * In place: x ← x · c.
     *
     * @param x the array, modified
     * @param c the constant
     * @return x
     */
    public static NDArray muli(NDArray x, double c) {
        return apply(x, c, NDArray::muli);
    }

    /**
     * In place: x ← x / c.
     *
     * @param x the array, modified
     * @param c the constant
     * @return x
     */
    public static NDArray divi(NDArray x, double c) {
        return apply(x, c, NDArray::divi);
    }

    /**
     * op(x, c) with c as a 0-d tensor of x's type on x's device, owned by PyTorch (not over a Java
     * buffer); closing the Java array leaves autograd's reference intact.
     */
    private static NDArray apply(NDArray x, double c, BinaryOperator<NDArray> op) {
        try (NDArray s = x.getManager().full(new Shape(), (float) c, x.getDataType())) {
            return op.apply(x, s);
        }
    }
}
