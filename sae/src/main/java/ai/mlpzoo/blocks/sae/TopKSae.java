package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * The TopK sparse autoencoder (Gao et al. 2024, "Scaling and evaluating sparse autoencoders";
 * Makhzani and Frey 2013): keeps the k largest pre-activations of each row and applies ReLU to
 * them. The latents stay as k (index, value) pairs and decoding gathers the k decoder rows, so its
 * cost grows with k, not with the dictionary. While training, the k values are recomputed from the
 * gathered encoder columns ({@link #hiddenPreAt}), so the encoder's backward is sparse as well.
 * SAELens architecture {@code topk}; sparsify's default. Works as a transcoder when given
 * transcoder dims.
 */
public class TopKSae extends SparseCoder {

    /** The {@code topk} architecture: k latents per row, AuxK on dead latents; sparsify's topk. */
    public static final SaeArchitecture ARCHITECTURE =
            SaeArchitecture.builder("topk", TopKSae.class)
                    .usesK()
                    .sparsify("topk")
                    .factory((dims, spec) -> new TopKSae(dims, spec.k()))
                    .training(TopKSae::auxKLoss)
                    .build();

    private static final byte VERSION = 1;

    private final int k;

    /**
     * Creates the SAE.
     *
     * @param dims the sizes
     * @param k the number of active latents per row, 1 &lt;= k &lt;= d_sae
     */
    public TopKSae(SaeDims dims, int k) {
        super(VERSION, dims, true);
        this.k = checkK(k, dims.dSae());
    }

    /**
     * @return k
     */
    public int getK() {
        return k;
    }

    @Override
    public String architecture() {
        return "topk";
    }

    @Override
    public Latents encode(ParameterStore ps, NDArray x, boolean training) {
        NDArray pre = hiddenPre(ps, x, training);
        if (!training) {
            NDList top = pre.topK(k, 1, true, false); // (N, k) values, (N, k) indices
            return Latents.sparse(pre, Activation.relu(top.get(0)), top.get(1), dims.dSae());
        }
        // training: select on the pre-activations without gradient, and take the k values from the
        // gathered encoder columns, so that the backward is sparse too (the dense pre-activations
        // keep their graph for losses that need it, such as AuxK on dead latents)
        NDArray indices = pre.stopGradient().topK(k, 1, true, false).get(1);
        NDArray values = hiddenPreAt(ps, x, indices, true);
        return Latents.sparse(pre, Activation.relu(values), indices, dims.dSae());
    }

    @Override
    public <T> T encoderGraph(SaeOps<T> ops, T saeIn) {
        // ReLU after the selection, as encode: zeros stay zeros
        return ops.relu(ops.keepTopK(hiddenPreGraph(ops, saeIn), k));
    }

    /**
     * The training term of the TopK and BatchTopK SAEs: AuxK on dead latents times the coefficient
     * {@code auxk} (their sparsity is fixed by k, so there is no penalty).
     *
     * @param step the step
     * @return the term
     */
    static NDArray auxKLoss(SaeTrainingStep step) {
        return Scalars.mul(SaeTerms.auxK(step), step.coefficient(SaeTerms.AUXK));
    }
}
