package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.mlpzoo.blocks.common.Scalars;

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

    /**
     * The {@code jumprelu} architecture: learned thresholds, an L0 penalty reaching them through
     * the straight-through estimator, thresholds kept positive after each update.
     */
    public static final SaeArchitecture ARCHITECTURE =
            SaeArchitecture.builder("jumprelu", JumpReLUSae.class)
                    .factory((dims, spec) -> new JumpReLUSae(dims))
                    .training(new L0Penalty())
                    .build();

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
    protected JumpReLUSae(
            byte version, SaeDims dims, boolean trainableThreshold, float initialThreshold) {
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

    /**
     * @return the threshold (d_sae)
     */
    public Parameter getThreshold() {
        return threshold;
    }

    /**
     * @return the STE bandwidth
     */
    public float getBandwidth() {
        return bandwidth;
    }

    /**
     * Sets the STE bandwidth (SAELens' default 0.001; Gemma Scope used 0.001 on unit-scaled
     * inputs).
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

    @Override
    public <T> T encoderGraph(SaeOps<T> ops, T saeIn) {
        T pre = hiddenPreGraph(ops, saeIn);
        return ops.mul(ops.relu(pre), ops.greater(pre, ops.param(threshold)));
    }

    /**
     * The JumpReLU SAE's training term: the expected L0, {@code sum_i H(pre_i - theta_i)} averaged
     * over rows, whose gradient reaches the thresholds through the step's straight-through
     * estimator, times the coefficient {@code l0}.
     */
    private static final class L0Penalty implements SaeTrainingTerm {

        @Override
        public NDArray loss(SaeTrainingStep step) {
            JumpReLUSae sae = (JumpReLUSae) step.block();
            NDArray theta = step.value(sae.getThreshold());
            NDArray l0 =
                    JumpReLU.step(step.z().hiddenPre(), theta, sae.getBandwidth())
                            .sum(new int[] {1})
                            .mean();
            return Scalars.mul(l0, step.coefficient(SaeTerms.L0));
        }

        /** A threshold at or below zero would let every negative pre-activation through. */
        @Override
        public void afterUpdate(SparseCoder block, NDManager manager) {
            Parameter t = ((JumpReLUSae) block).getThreshold();
            if (!t.requiresGradient()) {
                return;
            }
            NDArray c = Scalars.maximum(t.getArray(), 1e-6f);
            c.attach(manager);
            t.getArray().set(c.toFloatArray());
        }
    }
}
