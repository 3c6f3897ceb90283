package ai.mlpzoo.blocks.mixer;

import ai.djl.nn.Block;

/**
 * Makes the i-th token-mixing layer of an {@link MlpMixer}: what distinguishes MLP-Mixer, ResMLP
 * and gMLP (timm's {@code block_layer}). Every layer maps (batch, tokens, dim) to the same shape.
 */
@FunctionalInterface
public interface LayerFactory {

    /**
     * Creates one layer.
     *
     * @param index the layer's position, from 0
     * @param dim the channel width
     * @param seqLen the number of tokens
     * @return the layer
     */
    Block create(int index, int dim, int seqLen);

    /**
     * MLP-Mixer's {@link MixerBlock}.
     *
     * @param tokenRatio token MLP width / dim (timm: 0.5)
     * @param channelRatio channel MLP width / dim (timm: 4)
     * @param drop dropout rate inside the MLPs
     * @param dropPath stochastic-depth rate
     * @return the factory
     */
    static LayerFactory mixer(double tokenRatio, double channelRatio, float drop, float dropPath) {
        return (i, dim, seqLen) ->
                new MixerBlock(dim, seqLen, tokenRatio, channelRatio, 1e-6, drop, dropPath, null);
    }

    /**
     * ResMLP's {@link ResBlock}.
     *
     * @param mlpRatio channel MLP width / dim (timm: 4)
     * @param initValues layer-scale initial value
     * @param drop dropout rate inside the MLP
     * @param dropPath stochastic-depth rate
     * @return the factory
     */
    static LayerFactory resmlp(double mlpRatio, double initValues, float drop, float dropPath) {
        return (i, dim, seqLen) -> new ResBlock(dim, seqLen, mlpRatio, initValues, drop, dropPath);
    }

    /**
     * gMLP's {@link SpatialGatingBlock}.
     *
     * @param mlpRatio gated MLP width / dim (timm: 6)
     * @param drop dropout rate inside the MLP
     * @param dropPath stochastic-depth rate
     * @return the factory
     */
    static LayerFactory gmlp(double mlpRatio, float drop, float dropPath) {
        return (i, dim, seqLen) -> new SpatialGatingBlock(dim, seqLen, mlpRatio, 1e-6, drop, dropPath);
    }
}
