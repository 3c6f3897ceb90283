package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;

/**
 * The initialisations timm uses, so that a model trained from scratch here starts where timm's
 * would. Fans follow PyTorch's convention: dimension 1 is fan-in, dimension 0 fan-out, each times
 * the receptive field (the product of the remaining dimensions).
 */
public final class Initializers {

    /** sqrt(2) * erfinv bound that keeps a standard normal within [-2, 2]: 2 * Phi(2) - 1. */
    private static final double TRUNC_2SIGMA_MASS = 0.9544997361036416;

    /** Standard deviation of a unit normal truncated to [-2, 2] (timm's lecun_normal constant). */
    private static final double TRUNC_2SIGMA_STD = 0.87962566103423978;

    private Initializers() {}

    /** Xavier (Glorot) uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)). */
    public static Initializer xavierUniform() {
        return (manager, shape, dataType) -> {
            long[] fans = fans(shape);
            float bound = (float) Math.sqrt(6.0 / (fans[0] + fans[1]));
            return manager.randomUniform(-bound, bound, shape, dataType);
        };
    }

    /**
     * LeCun normal as timm's {@code lecun_normal_}: a normal truncated at two standard deviations,
     * rescaled so that its variance is 1 / fan_in.
     */
    public static Initializer lecunNormal() {
        return (manager, shape, dataType) -> {
            double std = Math.sqrt(1.0 / fans(shape)[0]) / TRUNC_2SIGMA_STD;
            return truncatedNormal(manager, shape, dataType, std);
        };
    }

    /** N(0, std^2). */
    public static Initializer normal(double std) {
        return (manager, shape, dataType) -> manager.randomNormal(0f, (float) std, shape, dataType);
    }

    /** Every element equal to {@code value}. */
    public static Initializer constant(double value) {
        return new ConstantInitializer((float) value);
    }

    /** Inverse-CDF sampling of N(0, std^2) truncated to [-2 std, 2 std] (no rejection loop). */
    static NDArray truncatedNormal(
            ai.djl.ndarray.NDManager manager,
            Shape shape,
            ai.djl.ndarray.types.DataType dataType,
            double std) {
        float m = (float) TRUNC_2SIGMA_MASS;
        try (NDArray u = manager.randomUniform(-m, m, shape, dataType)) {
            return Scalars.muli(u.erfinv(), Math.sqrt(2.0) * std);
        }
    }

    /** {fan_in, fan_out} of a weight of PyTorch layout (out, in, *kernel). */
    static long[] fans(Shape shape) {
        if (shape.dimension() < 2) {
            return new long[] {shape.size(), shape.size()};
        }
        long receptive = 1;
        for (int i = 2; i < shape.dimension(); i++) {
            receptive *= shape.get(i);
        }
        return new long[] {shape.get(1) * receptive, shape.get(0) * receptive};
    }
}
