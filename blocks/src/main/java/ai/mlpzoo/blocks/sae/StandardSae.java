package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

/**
 * The standard (ReLU) sparse autoencoder (Bricken et al. 2023, "Towards Monosemanticity";
 * Anthropic's April 2024 update): {@code z = ReLU(W_enc^T (x - b_dec) + b_enc)}, trained with an L1
 * penalty on z weighted by the decoder-row norms. SAELens architecture {@code standard}.
 */
public class StandardSae extends SparseCoder {

    private static final byte VERSION = 1;

    /**
     * Creates the SAE.
     *
     * @param dims the sizes
     */
    public StandardSae(SaeDims dims) {
        super(VERSION, dims, true);
    }

    @Override
    public String architecture() {
        return "standard";
    }

    @Override
    public Latents encode(ParameterStore ps, NDArray x, boolean training) {
        NDArray pre = hiddenPre(ps, x, training);
        return Latents.dense(pre, Activation.relu(pre));
    }
}
