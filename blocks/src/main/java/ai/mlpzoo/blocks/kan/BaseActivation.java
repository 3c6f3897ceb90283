package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Locale;

/**
 * The residual ("base") activation b(x) of a KAN edge, phi(x) = w_b b(x) + spline(x). efficient-kan
 * and fast-kan default to SiLU; the others are offered for experiments. Each has an NDArray form
 * for the forward pass and a scalar form for reading an edge function out.
 */
public enum BaseActivation {
    /** x * sigmoid(x), the references' default. */
    SILU,
    /** Exact (erf) GELU. */
    GELU,
    /** max(x, 0). */
    RELU,
    /** tanh(x). */
    TANH,
    /** x. */
    IDENTITY;

    /**
     * Applies the activation element-wise.
     *
     * @param x any shape
     * @return the same shape
     */
    public NDArray apply(NDArray x) {
        switch (this) {
            case SILU:
                return x.mul(Activation.sigmoid(x));
            case GELU:
                return Activation.gelu(x);
            case RELU:
                return Activation.relu(x);
            case TANH:
                return x.tanh();
            default:
                return x;
        }
    }

    /**
     * The scalar form, for edge readouts.
     *
     * @param x a value
     * @return b(x)
     */
    public double apply(double x) {
        switch (this) {
            case SILU:
                return x / (1 + Math.exp(-x));
            case GELU:
                return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case RELU:
                return Math.max(x, 0);
            case TANH:
                return Math.tanh(x);
            default:
                return x;
        }
    }

    /**
     * @return the lower-case name used in configs ("silu")
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a config name; PyTorch class names (SiLU, GELU) are accepted case-insensitively.
     *
     * @param name the name
     * @return the activation
     * @throws IllegalArgumentException naming the known ones
     */
    public static BaseActivation parse(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        if ("SWISH".equals(n)) {
            return SILU;
        }
        for (BaseActivation a : values()) {
            if (a.name().equals(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException(
                "unknown base activation '" + name + "'; known: silu, gelu, relu, tanh, identity");
    }

    /**
     * Numerical Recipes' erfc Chebyshev fit (relative error below 1.2e-7), coefficients low first.
     */
    private static final double[] ERFC = {
        -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
        0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277
    };

    /** erf to about 1e-7, enough for plotting an exact-GELU edge (Java has no erf). */
    static double erf(double x) {
        double t = 1.0 / (1.0 + 0.5 * Math.abs(x));
        double poly = 0;
        for (int i = ERFC.length - 1; i >= 0; i--) {
            poly = poly * t + ERFC[i];
        }
        double erfc = t * Math.exp(-x * x + poly);
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
