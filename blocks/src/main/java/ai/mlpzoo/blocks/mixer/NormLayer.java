package ai.mlpzoo.blocks.mixer;

import ai.djl.nn.Block;

/**
 * Makes the normalisation of a given width: timm's {@code norm_layer}. A {@link MixerFamily} uses
 * one for the norms inside every layer and for the final norm, so the two can never disagree.
 */
@FunctionalInterface
public interface NormLayer {

    /** ResMLP's {@link Affine} "norm" ({@code alpha * x + beta}, no statistics). */
    NormLayer AFFINE = Affine::new;

    /**
     * Creates one norm.
     *
     * @param dim the channel width
     * @return a block mapping (batch, tokens, dim) to the same shape
     */
    Block create(int dim);

    /**
     * LayerNorm over the channel axis.
     *
     * @param eps the variance epsilon (timm's Mixer and gMLP: 1e-6)
     * @return the norm layer
     */
    static NormLayer layerNorm(double eps) {
        return dim -> Norms.layerNorm(eps);
    }
}
