package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;

/**
 * The JumpReLU sparse autoencoder (Rajamanoharan et al. 2024, "Jumping Ahead: Improving
 * Reconstruction Fidelity with JumpReLU Sparse Autoencoders"): a latent passes, as ReLU(pre), only
 * where its pre-activation exceeds its own learned {@code threshold} (d_sae). SAELens architecture
 * {@code jumprelu}.
 *
 * <p>Training uses the paper's straight-through estimator: the forward value is unchanged, and the
 * threshold receives the pseudo-derivative {@code -(theta / eps) K((pre - theta) / eps)} with the
 * rectangle kernel K and bandwidth eps (see {@link JumpReLU}).
 */
public class JumpReLUSae extends SparseCoder {

    private static final byte VERSION = 1;

    /** SAELens' default initial threshold. */
    public static final float DEFAULT_THRESHOLD = 0.001f;

    protected final Parameter threshold;
    private float bandwidth = 0.001f;

    /**
     * Creates the SAE.
     *
     * @param dims the sizes
     */
    public JumpReLUSae(SaeDims dims) {
        this(VERSION, dims, true, DEFAULT_THRESHOLD);
    }

    /**
     * For subclasses whose threshold is not trained by gradient.
     *
     * @param version the format version
     * @param dims the sizes
     * @param trainableThreshold whether the threshold takes gradients
     * @param initialThreshold the threshold's initial value
     */
    protected JumpReLUSae(byte version, SaeDims dims, boolean trainableThreshold, float initialThreshold) {
        super(version, dims, true);
        threshold =
                addParameter(
                        Parameter.builder()
                                .setName("threshold")
                                .setType(Parameter.Type.OTHER)
                                .optShape(new Shape(dims.dSae()))
                                .optInitializer(new ConstantInitializer(initialThreshold))
                                .optRequiresGrad(trainableThreshold)
                                .build());
    }

    /** @return the threshold (d_sae) */
    public Parameter getThreshold() {
        return threshold;
    }

    /** @return the STE bandwidth */
    public float getBandwidth() {
        return bandwidth;
    }

    /**
     * Sets the STE bandwidth (SAELens' default 0.001; Gemma Scope used 0.001 on unit-scaled inputs).
     *
     * @param bandwidth a positive width
     */
    public void setBandwidth(float bandwidth) {
        if (!(bandwidth > 0)) {
            throw new IllegalArgumentException("bandwidth must be positive, got " + bandwidth);
        }
        this.bandwidth = bandwidth;
    }

    @Override
    public String architecture() {
        return "jumprelu";
    }

    @Override
    public Latents encode(ParameterStore ps, NDArray x, boolean training) {
        NDArray pre = hiddenPre(ps, x, training);
        NDArray theta = ps.getValue(threshold, x.getDevice(), training);
        if (training && threshold.requiresGradient()) {
            return Latents.dense(pre, JumpReLU.jumpRelu(pre, theta, bandwidth));
        }
        // inference form, as SAELens: ReLU(pre) masked where pre > threshold
        NDArray mask = pre.gt(theta).toType(pre.getDataType(), false);
        return Latents.dense(pre, Activation.relu(pre).mul(mask));
    }
}
