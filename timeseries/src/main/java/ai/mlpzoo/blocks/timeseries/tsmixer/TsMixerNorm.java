package ai.mlpzoo.blocks.timeseries.tsmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.timeseries.FeatureBatchNorm;
import ai.mlpzoo.blocks.timeseries.TrailingLayerNorm;
import java.util.Locale;

/**
 * Builds and applies the two norms of torchtsmixer, over a (time, channels) window: {@code
 * TimeBatchNorm2d}, a BatchNorm over the S*C values of the flattened window (index s * C + c) with
 * running statistics, or {@code nn.LayerNorm((S, C))}, normalising time and channels together. Both
 * eps 1e-5.
 *
 * <p>The norm is the mixing block's child itself, so that the state-dict names are {@code
 * norm.weight}, {@code norm.running_mean}, ...; the batch norm's flattening is done here.
 */
public final class TsMixerNorm {

    /** Which norm: torchtsmixer's {@code norm_type}. */
    public enum Type {
        /** {@code TimeBatchNorm2d}: BatchNorm over S*C features. */
        BATCH,
        /** {@code nn.LayerNorm((S, C))}. */
        LAYER;

        /**
         * Parses {@code norm_type}.
         *
         * @param name "batch" or "layer"
         * @return the type
         * @throws IllegalArgumentException naming the field and the values it takes
         */
        public static Type parse(String name) {
            if (name != null) {
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "batch":
                        return BATCH;
                    case "layer":
                        return LAYER;
                    default:
                        break;
                }
            }
            throw new IllegalArgumentException(
                    "field 'norm_type' must be \"batch\" or \"layer\", got "
                            + (name == null ? "null" : "\"" + name + "\""));
        }

        /**
         * @return the config spelling
         */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** PyTorch's default epsilon, which torchtsmixer keeps. */
    public static final double EPS = 1e-5;

    private TsMixerNorm() {}

    /**
     * Creates the norm of a (steps, channels) window.
     *
     * @param type batch or layer
     * @param steps S
     * @param channels C
     * @return a {@link FeatureBatchNorm} over S*C features or a {@link TrailingLayerNorm} over (S,
     *     C)
     */
    public static Block create(Type type, int steps, int channels) {
        return type == Type.BATCH
                ? new FeatureBatchNorm(steps * channels, EPS)
                : new TrailingLayerNorm(new Shape(steps, channels), EPS);
    }

    /**
     * The shape to initialise a norm made by {@link #create} with.
     *
     * @param norm the norm
     * @param window the window's shape, (batch, S, C)
     * @return (batch, S*C) for the batch norm, the window's shape for the layer norm
     */
    static Shape initShape(Block norm, Shape window) {
        return norm instanceof FeatureBatchNorm
                ? new Shape(window.get(0), window.get(1) * window.get(2))
                : window;
    }

    /**
     * Applies a norm made by {@link #create} to a window.
     *
     * @param norm the norm
     * @param ps the parameter store
     * @param x (B, S, C)
     * @param training whether training (the batch norm then uses the batch's statistics)
     * @return (B, S, C)
     */
    static NDArray apply(Block norm, ParameterStore ps, NDArray x, boolean training) {
        if (!(norm instanceof FeatureBatchNorm)) {
            return norm.forward(ps, new NDList(x), training).head(); // (B, S, C)
        }
        Shape s = x.getShape();
        NDArray flat = x.reshape(s.get(0), s.get(1) * s.get(2)); // (B, S*C), index s * C + c
        NDArray y = norm.forward(ps, new NDList(flat), training).head(); // (B, S*C)
        return y.reshape(s); // (B, S, C)
    }
}
