package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * The standard (ReLU) sparse autoencoder (Bricken et al. 2023, "Towards Monosemanticity";
 * Anthropic's April 2024 update): {@code z = ReLU(W_enc^T (x - b_dec) + b_enc)}, trained with an L1
 * penalty on z weighted by the decoder-row norms. SAELens architecture {@code standard}.
 */
public class StandardSae extends SparseCoder {

    /** The {@code standard} architecture: ReLU latents, L1 penalty weighted by decoder norms. */
    public static final SaeArchitecture ARCHITECTURE =
            SaeArchitecture.builder("standard", StandardSae.class)
                    .factory((dims, spec) -> new StandardSae(dims))
                    .training(StandardSae::l1Penalty)
                    .build();

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

    @Override
    public <T> T encoderGraph(SaeOps<T> ops, T saeIn) {
        return ops.relu(hiddenPreGraph(ops, saeIn));
    }

    /**
     * The training term of ReLU latents, the SAE's and the transcoders': L1 on the latents weighted
     * by decoder-row norms (Anthropic, April 2024), times the coefficient {@code l1}.
     *
     * @param step the step
     * @return the term
     */
    static NDArray l1Penalty(SaeTrainingStep step) {
        float l1 = step.coefficient(SaeTerms.L1);
        return Scalars.mul(SaeTerms.decoderWeightedL1(step, step.z().dense()), l1);
    }
}
