package ai.mlpzoo.blocks.common;

import ai.djl.nn.norm.LayerNorm;

/**
 * DJL's {@link LayerNorm} over the trailing (channel) axis, with its settings readable: exporters
 * (ONNX) need the epsilon and the axes, which DJL's class keeps to itself. The math, the parameters
 * ({@code gamma}, {@code beta}) and the saved bytes are DJL's own, so parameter files written with
 * a plain LayerNorm load into this one and back.
 */
public class ChannelLayerNorm extends LayerNorm {

    /**
     * Creates the norm.
     *
     * @param axis the axis of the initialisation shape to normalise (2 for (batch, tokens,
     *     channels), 1 for (batch, features)); at run time PyTorch normalises the trailing axis of
     *     that width
     * @param eps the variance epsilon (PyTorch's default is 1e-5, timm's Mixer uses 1e-6)
     */
    public ChannelLayerNorm(int axis, double eps) {
        super(LayerNorm.builder().axis(axis).optEpsilon((float) eps));
    }

    /**
     * @return the variance epsilon
     */
    public float getEpsilon() {
        return epsilon;
    }

    /**
     * @return the normalised axes of the initialisation shape
     */
    public int[] getAxis() {
        return axis.clone();
    }

    /**
     * @return whether a learned shift (beta) is added
     */
    public boolean isCenter() {
        return center;
    }

    /**
     * @return whether a learned scale (gamma) multiplies
     */
    public boolean isScale() {
        return scale;
    }
}
