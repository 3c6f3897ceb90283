package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * The gated sparse autoencoder (Rajamanoharan et al. 2024, "Improving Dictionary Learning with
 * Gated Sparse Autoencoders"): a gate decides which latents fire, {@code (x' W_enc + b_gate) > 0},
 * and a magnitude path with the same directions rescaled per latent estimates their size, {@code
 * ReLU(x' (W_enc * exp(r_mag)) + b_mag)}, where x' = x - b_dec. SAELens architecture {@code gated};
 * parameters W_enc, b_gate, r_mag, b_mag, W_dec, b_dec.
 */
public class GatedSae extends SparseCoder {

    /**
     * The {@code gated} architecture: L1 on the gate weighted by decoder norms, plus the
     * reconstruction through the gate with a frozen decoder.
     */
    public static final SaeArchitecture ARCHITECTURE =
            SaeArchitecture.builder("gated", GatedSae.class)
                    .factory((dims, spec) -> new GatedSae(dims))
                    .training(GatedSae::gatePenalty)
                    .build();

    private static final byte VERSION = 1;

    private final Parameter bGate;
    private final Parameter rMag;
    private final Parameter bMag;

    /**
     * Creates the SAE.
     *
     * @param dims the sizes
     */
    public GatedSae(SaeDims dims) {
        super(VERSION, dims, false);
        Shape latents = new Shape(dims.dSae());
        bGate = param("b_gate", Parameter.Type.BIAS, latents, Initializer.ZEROS);
        rMag = param("r_mag", Parameter.Type.WEIGHT, latents, Initializer.ZEROS);
        bMag = param("b_mag", Parameter.Type.BIAS, latents, Initializer.ZEROS);
    }

    @Override
    public String architecture() {
        return "gated";
    }

    /**
     * The gate's pre-activations {@code x' W_enc + b_gate}.
     *
     * @param ps the parameter store
     * @param x (N, d_in)
     * @param training whether training
     * @return (N, d_sae)
     */
    @Override
    public NDArray hiddenPre(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(wEnc, x.getDevice(), training);
        return saeIn(ps, x, training).matMul(w).add(ps.getValue(bGate, x.getDevice(), training));
    }

    @Override
    public Latents encode(ParameterStore ps, NDArray x, boolean training) {
        NDArray in = saeIn(ps, x, training);
        NDArray w = ps.getValue(wEnc, x.getDevice(), training);
        NDArray xw = in.matMul(w);
        NDArray gatePre = xw.add(ps.getValue(bGate, x.getDevice(), training));
        NDArray scale = ps.getValue(rMag, x.getDevice(), training).exp();
        scale.attach(x.getManager()); // owned by the batch, not by the parameter
        // x (W_enc * exp(r_mag)) = (x W_enc) * exp(r_mag): the scale is per latent column
        NDArray magPre = xw.mul(scale).add(ps.getValue(bMag, x.getDevice(), training));
        NDArray active = gatePre.gt(0f).toType(gatePre.getDataType(), false);
        return Latents.dense(gatePre, Activation.relu(magPre).mul(active));
    }

    @Override
    public <T> T encoderGraph(SaeOps<T> ops, T saeIn) {
        T xw = ops.matMul(saeIn, ops.param(wEnc));
        T gate = ops.add(xw, ops.param(bGate));
        T mag = ops.add(ops.mul(xw, ops.exp(ops.param(rMag))), ops.param(bMag));
        return ops.mul(ops.relu(mag), ops.greater(gate, ops.constant(0f)));
    }

    /**
     * The gated SAE's training term (Rajamanoharan et al. 2024): the L1 of the gate's ReLU weighted
     * by decoder norms, times the coefficient {@code l1}, plus the auxiliary reconstruction from
     * the gate through a frozen decoder, which trains the gate to find the active latents without
     * shrinking their magnitudes.
     *
     * @param step the step
     * @return the term
     */
    private static NDArray gatePenalty(SaeTrainingStep step) {
        float l1 = step.coefficient(SaeTerms.L1);
        NDManager m = step.manager();
        NDArray gate = Activation.relu(step.z().hiddenPre());
        NDArray sparsity = Scalars.mul(SaeTerms.decoderWeightedL1(step, gate), l1);
        NDArray wFrozen = step.value(step.block().getWDec()).stopGradient();
        NDArray bFrozen = step.value(step.block().getBDec()).stopGradient();
        wFrozen.attach(m);
        bFrozen.attach(m);
        NDArray viaGate = gate.matMul(wFrozen).add(bFrozen);
        return sparsity.add(SaeTerms.rowSquaredError(viaGate, step.y()));
    }
}
