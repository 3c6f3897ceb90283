package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * Loss pieces that several architectures' {@link SaeTrainingTerm}s share, and the names of the
 * coefficients the built-in architectures read from a step.
 */
public final class SaeTerms {

    /** The L1 coefficient of the standard and gated SAEs and the transcoders. */
    public static final String L1 = "l1";

    /** The L0 coefficient of the JumpReLU SAE. */
    public static final String L0 = "l0";

    /** The AuxK coefficient of the TopK and BatchTopK SAEs. */
    public static final String AUXK = "auxk";

    private SaeTerms() {}

    /**
     * Sum of squares per row, averaged over rows: SAELens' reconstruction loss.
     *
     * @param a (N, d)
     * @param b (N, d)
     * @return a scalar
     */
    public static NDArray rowSquaredError(NDArray a, NDArray b) {
        return a.sub(b).square().sum(new int[] {1}).mean();
    }

    /**
     * The decoder-row norms (d_sae), owned by the step's manager.
     *
     * @param step the step
     * @return ||W_dec[i]|| for every latent i
     */
    public static NDArray decoderNorms(SaeTrainingStep step) {
        NDArray n = step.value(step.block().getWDec()).norm(new int[] {1});
        n.attach(step.manager());
        return n;
    }

    /**
     * The L1 norm of activations weighted by the decoder-row norms, summed over latents and
     * averaged over rows (Anthropic's April 2024 update), without its coefficient.
     *
     * @param step the step
     * @param acts (N, d_sae)
     * @return a scalar
     */
    public static NDArray decoderWeightedL1(SaeTrainingStep step, NDArray acts) {
        return acts.mul(decoderNorms(step)).sum(new int[] {1}).mean();
    }

    /**
     * AuxK (Gao et al. 2024, appendix B.1), without its coefficient: the top k_aux dead latents'
     * pre-activations reconstruct the residual of the live reconstruction; scaled down when fewer
     * than k_aux latents are dead, and zero when none is.
     *
     * @param step the step
     * @return a scalar
     */
    public static NDArray auxK(SaeTrainingStep step) {
        NDManager m = step.manager();
        boolean[] dead = step.dead();
        int numDead = 0;
        for (boolean d : dead) {
            numDead += d ? 1 : 0;
        }
        if (numDead == 0) {
            return m.create(0f);
        }
        NDArray y = step.y();
        Latents z = step.z();
        int kAuxDefault =
                step.kAux() > 0 ? step.kAux() : Math.max(1, (int) (y.getShape().get(1) / 2));
        float scale = Math.min(numDead / (float) kAuxDefault, 1f);
        int kAux = Math.min(kAuxDefault, numDead);
        NDArray deadMask = m.create(dead).toType(DataType.FLOAT32, false); // (d_sae)
        // live latents pushed far down so that top-k picks dead ones only (there are >= k_aux)
        NDArray masked = z.hiddenPre().add(Scalars.mul(deadMask.sub(1f), 1e9f));
        NDList top = masked.topK(kAux, 1, true, false);
        // k_aux is large (d_in / 2): a dense product beats gathering k_aux rows per sample, whose
        // backward scatters N * k_aux rows into the decoder gradient
        NDArray auxActs =
                m.zeros(z.hiddenPre().getShape())
                        .scatter(top.get(1), Activation.relu(top.get(0)), 1);
        NDArray eHat = auxActs.matMul(step.value(step.block().getWDec()));
        NDArray residual = y.sub(step.yHat()).stopGradient();
        return Scalars.mul(rowSquaredError(eHat, residual), scale);
    }
}
