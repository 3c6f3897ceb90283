package ai.mlpzoo.blocks.mixer;

import ai.djl.nn.norm.LayerNorm;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;

/** Normalisation layers over the channel axis of (batch, tokens, channels) activations. */
public final class Norms {

    private Norms() {}

    /**
     * LayerNorm over the last axis of a (batch, tokens, channels) tensor. DJL's LayerNorm would
     * otherwise normalise over every non-batch axis.
     *
     * @param eps the variance epsilon (timm's Mixer uses 1e-6, PyTorch's default is 1e-5)
     * @return the norm
     */
    public static LayerNorm layerNorm(double eps) {
        return new ChannelLayerNorm(2, eps);
    }
}
