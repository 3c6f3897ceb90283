package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * The gated sparse autoencoder (Rajamanoharan et al. 2024, "Improving Dictionary Learning with
 * Gated Sparse Autoencoders"): a gate decides which latents fire, {@code (x' W_enc + b_gate) > 0},
 * and a magnitude path with the same directions rescaled per latent estimates their size, {@code
 * ReLU(x' (W_enc * exp(r_mag)) + b_mag)}, where x' = x - b_dec. SAELens architecture {@code gated};
 * parameters W_enc, b_gate, r_mag, b_mag, W_dec, b_dec.
 */
public class GatedSae extends SparseCoder {

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
}
