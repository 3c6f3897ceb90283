package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The encoder's result for a batch of N rows: the pre-activations and the latents, the latter
 * either dense or, for TopK, as k (index, value) pairs per row so that decoding costs O(k) rows of
 * W_dec. The dense form of a sparse result is built on demand (a scatter into zeros).
 */
public final class Latents {

    private final NDArray hiddenPre;
    private NDArray dense;
    private final NDArray topValues;
    private final NDArray topIndices;
    private final long dSae;

    private Latents(NDArray hiddenPre, NDArray dense, NDArray values, NDArray indices, long dSae) {
        this.hiddenPre = hiddenPre;
        this.dense = dense;
        this.topValues = values;
        this.topIndices = indices;
        this.dSae = dSae;
    }

    /**
     * Dense latents.
     *
     * @param hiddenPre pre-activations (N, d_sae)
     * @param acts latents (N, d_sae)
     * @return the result
     */
    public static Latents dense(NDArray hiddenPre, NDArray acts) {
        return new Latents(hiddenPre, acts, null, null, acts.getShape().get(1));
    }

    /**
     * Sparse latents: k per row.
     *
     * @param hiddenPre pre-activations (N, d_sae)
     * @param values latent values (N, k)
     * @param indices latent indices (N, k), int64
     * @param dSae the dictionary size
     * @return the result
     */
    public static Latents sparse(NDArray hiddenPre, NDArray values, NDArray indices, long dSae) {
        return new Latents(hiddenPre, null, values, indices, dSae);
    }

    /**
     * @return the pre-activations (N, d_sae) that the sparsifying nonlinearity saw
     */
    public NDArray hiddenPre() {
        return hiddenPre;
    }

    /**
     * @return whether the latents are held as (index, value) pairs
     */
    public boolean isSparse() {
        return topIndices != null;
    }

    /**
     * @return the values (N, k), or null when dense
     */
    public NDArray topValues() {
        return topValues;
    }

    /**
     * @return the indices (N, k) int64, or null when dense
     */
    public NDArray topIndices() {
        return topIndices;
    }

    /**
     * @return the latents as a dense (N, d_sae) array
     */
    public NDArray dense() {
        if (dense == null) {
            long n = topValues.getShape().get(0);
            try (NDArray zeros =
                    topValues.getManager().zeros(new Shape(n, dSae), topValues.getDataType())) {
                dense = zeros.scatter(topIndices, topValues, 1);
            }
        }
        return dense;
    }
}
