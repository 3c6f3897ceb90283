package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * The BatchTopK sparse autoencoder (Bussmann et al. 2024, "BatchTopK Sparse Autoencoders"): while
 * training, the k * N largest ReLU'd pre-activations of a batch of N rows survive, so that the
 * number of active latents varies per row around k. Each training batch moves a global threshold
 * towards the smallest surviving positive activation (exponential average, rate 0.01, as SAELens).
 * At inference the block is a JumpReLU SAE with that threshold for every latent, which is how
 * SAELens saves it ({@code architecture: jumprelu}).
 */
public class BatchTopKSae extends JumpReLUSae {

    /**
     * The {@code batchtopk} architecture: k N latents per batch while training, AuxK on dead
     * latents; a JumpReLU SAE at inference, saved to SAELens as {@code jumprelu}.
     */
    public static final SaeArchitecture ARCHITECTURE =
            SaeArchitecture.builder("batchtopk", BatchTopKSae.class)
                    .usesK()
                    .savedInSaeLensAs("jumprelu")
                    .factory((dims, spec) -> new BatchTopKSae(dims, spec.k()))
                    .training(TopKSae::auxKLoss)
                    .build();

    private static final byte VERSION = 1;

    /** SAELens' {@code topk_threshold_lr}. */
    private static final float THRESHOLD_RATE = 0.01f;

    private final int k;

    /**
     * Creates the SAE.
     *
     * @param dims the sizes
     * @param k the mean number of active latents per row, 1 &lt;= k &lt;= d_sae
     */
    public BatchTopKSae(SaeDims dims, int k) {
        super(VERSION, dims, false, 0f);
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
        return "batchtopk";
    }

    @Override
    public Latents encode(ParameterStore ps, NDArray x, boolean training) {
        if (!training) {
            return super.encode(ps, x, false);
        }
        NDArray pre = hiddenPre(ps, x, true);
        long n = pre.getShape().get(0);
        long dSae = dims.dSae();
        NDArray acts = Activation.relu(pre).reshape(n * dSae);
        NDList top = acts.topK((int) Math.min(k * n, n * dSae), 0, true, false); // (k N)
        NDArray values = top.get(0);
        updateThreshold(values);
        NDArray dense;
        try (NDArray zeros = pre.getManager().zeros(new Shape(n * dSae), pre.getDataType())) {
            dense = zeros.scatter(top.get(1), values, 0).reshape(n, dSae);
        }
        return Latents.dense(pre, dense);
    }

    /** Moves the threshold towards the smallest positive surviving activation. */
    private void updateThreshold(NDArray values) {
        try (NDArray v = values.stopGradient();
                NDArray positive = v.get(v.gt(0f))) {
            if (positive.size() == 0) {
                return;
            }
            float min = positive.min().getFloat();
            NDArray t = threshold.getArray();
            Scalars.muli(t, 1f - THRESHOLD_RATE).addi(THRESHOLD_RATE * min);
        }
    }
}
