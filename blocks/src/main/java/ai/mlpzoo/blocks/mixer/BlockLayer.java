package ai.mlpzoo.blocks.mixer;

import ai.djl.nn.Block;

/**
 * Makes one token-mixing layer of an {@link MlpMixer} from its {@link LayerArgs}: timm's {@code
 * block_layer}. Every layer maps (batch, tokens, dim) to the same shape.
 */
@FunctionalInterface
public interface BlockLayer {

    /** MLP-Mixer's {@link MixerBlock}. */
    BlockLayer MIXER = MixerBlock::new;

    /** ResMLP's {@link ResBlock}. */
    BlockLayer RES = ResBlock::new;

    /** gMLP's {@link SpatialGatingBlock}. */
    BlockLayer SPATIAL_GATING = SpatialGatingBlock::new;

    /**
     * Creates one layer.
     *
     * @param args the width, token count, ratios, parts and rates
     * @return the layer
     * @throws IllegalArgumentException naming the field when the arguments do not fit this layer
     */
    Block create(LayerArgs args);
}
