package ai.mlpzoo.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.sae.Latents;
import ai.mlpzoo.blocks.sae.SaeArchitecture;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SaeOps;
import ai.mlpzoo.blocks.sae.SaeTerms;
import ai.mlpzoo.blocks.sae.SparseCoder;

/**
 * A test-only architecture, added the way any SAE architecture is: this one file and one {@code
 * SaeArchitectures.register} line. The ProLU SAE (Taggart 2024, "ProLU: A Nonlinearity for Sparse
 * Autoencoders"): a latent fires where both its projection {@code m = (x - b_dec) W_enc} and {@code
 * m + b_enc} are positive, with the value {@code m + b_enc}. Trained with the plain gradient of
 * that expression (not the paper's straight-through variants) and an L1 penalty weighted by decoder
 * norms; saved to SAELens' layout under its own name, which only this project reads.
 */
public class ProLuSae extends SparseCoder {

    /** The {@code prolu} architecture: ProLU latents, L1 penalty weighted by decoder norms. */
    public static final SaeArchitecture ARCHITECTURE =
            SaeArchitecture.builder("prolu", ProLuSae.class)
                    .factory((dims, spec) -> new ProLuSae(dims))
                    .training(
                            step ->
                                    SaeTerms.decoderWeightedL1(step, step.z().dense())
                                            .mul(step.coefficient(SaeTerms.L1)))
                    .build();

    /**
     * Creates the SAE.
     *
     * @param dims the sizes
     */
    public ProLuSae(SaeDims dims) {
        super((byte) 1, dims, true);
    }

    @Override
    public String architecture() {
        return "prolu";
    }

    @Override
    public Latents encode(ParameterStore ps, NDArray x, boolean training) {
        NDArray m = saeIn(ps, x, training).matMul(ps.getValue(wEnc, x.getDevice(), training));
        NDArray pre = m.add(ps.getValue(bEnc, x.getDevice(), training));
        NDArray fires = m.gt(0f).logicalAnd(pre.gt(0f)).toType(pre.getDataType(), false);
        return Latents.dense(pre, pre.mul(fires));
    }

    @Override
    public <T> T encoderGraph(SaeOps<T> ops, T saeIn) {
        T m = ops.matMul(saeIn, ops.param(wEnc));
        T pre = ops.add(m, ops.param(bEnc));
        T fires = ops.mul(ops.greater(m, ops.constant(0f)), ops.greater(pre, ops.constant(0f)));
        return ops.mul(pre, fires);
    }
}
