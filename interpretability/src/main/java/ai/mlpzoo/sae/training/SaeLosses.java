package ai.mlpzoo.sae.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.sae.BatchTopKSae;
import ai.mlpzoo.blocks.sae.GatedSae;
import ai.mlpzoo.blocks.sae.JumpReLU;
import ai.mlpzoo.blocks.sae.JumpReLUSae;
import ai.mlpzoo.blocks.sae.Latents;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.TopKSae;

/**
 * The architecture-specific terms added to the reconstruction loss. Every array is created in
 * the step's manager {@code m} (ops on a parameter would otherwise land in the parameter's).
 */
final class SaeLosses {

    private SaeLosses() {}

    /** Sum of squares per row, averaged over rows: SAELens' reconstruction loss. (N, d) to (). */
    static NDArray rowSquaredError(NDArray a, NDArray b) {
        return a.sub(b).square().sum(new int[] {1}).mean();
    }

    /** Decoder-row norms (d_sae), in m. */
    static NDArray decoderNorms(NDArray wDec, NDManager m) {
        NDArray n = wDec.norm(new int[] {1});
        n.attach(m);
        return n;
    }

    /**
     * The sparsity or auxiliary term for the block's architecture.
     *
     * @param sae the block
     * @param ps the parameter store
     * @param x inputs (N, d_in)
     * @param y targets (N, d_out)
     * @param z the latents
     * @param yHat reconstructions (N, d_out)
     * @param dead the dead-latent mask (d_sae)
     * @param cfg the hyper-parameters
     * @param step the step, for warm-ups
     * @param m the step's manager
     * @return a scalar
     */
    static NDArray penalty(
            SparseCoder sae,
            ParameterStore ps,
            NDArray x,
            NDArray y,
            Latents z,
            NDArray yHat,
            boolean[] dead,
            SaeTrainingConfig cfg,
            int step,
            NDManager m) {
        NDArray wDec = ps.getValue(sae.getWDec(), x.getDevice(), true);
        if (sae instanceof TopKSae || sae instanceof BatchTopKSae) {
            return auxK(sae, ps, y, z, yHat, dead, cfg, m).mul(cfg.auxKCoefficient);
        }
        if (sae instanceof JumpReLUSae) {
            JumpReLUSae j = (JumpReLUSae) sae;
            NDArray theta = ps.getValue(j.getThreshold(), x.getDevice(), true);
            NDArray l0 = JumpReLU.step(z.hiddenPre(), theta, j.getBandwidth()).sum(new int[] {1}).mean();
            return l0.mul(SaeTrainingConfig.warm(cfg.l0Coefficient, cfg.l0WarmupSteps, step));
        }
        float l1 = SaeTrainingConfig.warm(cfg.l1Coefficient, cfg.l1WarmupSteps, step);
        NDArray norms = decoderNorms(wDec, m);
        if (sae instanceof GatedSae) {
            // L1 on the gate and an auxiliary reconstruction through the gate with a frozen decoder
            NDArray gate = Activation.relu(z.hiddenPre());
            NDArray sparsity = gate.mul(norms).sum(new int[] {1}).mean().mul(l1);
            NDArray bDec = ps.getValue(sae.getBDec(), x.getDevice(), true);
            NDArray wFrozen = wDec.stopGradient();
            NDArray bFrozen = bDec.stopGradient();
            wFrozen.attach(m);
            bFrozen.attach(m);
            NDArray viaGate = gate.matMul(wFrozen).add(bFrozen);
            return sparsity.add(rowSquaredError(viaGate, y));
        }
        // standard SAE and transcoder: L1 weighted by decoder-row norms (Anthropic, April 2024)
        return z.dense().mul(norms).sum(new int[] {1}).mean().mul(l1);
    }

    /**
     * AuxK (Gao et al. 2024, appendix B.1): the top k_aux dead latents' pre-activations reconstruct
     * the residual of the live reconstruction; scaled down when fewer than k_aux latents are dead.
     */
    static NDArray auxK(
            SparseCoder sae,
            ParameterStore ps,
            NDArray y,
            Latents z,
            NDArray yHat,
            boolean[] dead,
            SaeTrainingConfig cfg,
            NDManager m) {
        int numDead = 0;
        for (boolean d : dead) {
            numDead += d ? 1 : 0;
        }
        if (numDead == 0) {
            return m.create(0f);
        }
        int kAuxDefault = cfg.kAux > 0 ? cfg.kAux : Math.max(1, (int) (y.getShape().get(1) / 2));
        float scale = Math.min(numDead / (float) kAuxDefault, 1f);
        int kAux = Math.min(kAuxDefault, numDead);
        NDArray deadMask = m.create(dead).toType(DataType.FLOAT32, false); // (d_sae)
        // live latents pushed far down so that top-k picks dead ones only (there are >= k_aux)
        NDArray masked = z.hiddenPre().add(deadMask.sub(1f).mul(1e9f));
        NDList top = masked.topK(kAux, 1, true, false);
        // k_aux is large (d_in / 2): a dense product beats gathering k_aux rows per sample, whose
        // backward scatters N * k_aux rows into the decoder gradient
        NDArray auxActs = m.zeros(z.hiddenPre().getShape()).scatter(top.get(1), Activation.relu(top.get(0)), 1);
        NDArray eHat = auxActs.matMul(ps.getValue(sae.getWDec(), y.getDevice(), true));
        NDArray residual = y.sub(yHat).stopGradient();
        return rowSquaredError(eHat, residual).mul(scale);
    }
}
