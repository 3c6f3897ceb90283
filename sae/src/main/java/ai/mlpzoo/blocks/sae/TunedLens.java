package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The per-layer affine translators of a tuned lens (Belrose et al. 2023, "Eliciting Latent
 * Predictions from Transformers with the Tuned Lens"; tuned-lens's {@code TunedLens}), as the
 * multi-layer SAE's lens variant applies them around the SAE (tim-lawson/mlsae's {@code
 * MLSAETransformer.forward_lens} and {@code inverse_lens}): layer l of the stacked input goes
 * through {@code h = x + x W_l^T + b_l} before the SAE, and its reconstruction comes back through
 * the inverse.
 *
 * <p>The reference's inverse is {@code einsum(inv(W_l + I), rec - b_l, "n n, b p n -> b p n")},
 * whose repeated index takes the <em>diagonal</em> of the inverse and scales elementwise; {@link
 * #inverse} reproduces that, since it is what the reference returns. {@link #exactInverse} is the
 * true affine inverse, for comparison.
 */
public final class TunedLens {

    private final NDArray weights;
    private final NDArray biases;

    /**
     * Creates the lens.
     *
     * @param weights the translators' weights (n_layers, d, d), torch Linear layout (out, in)
     * @param biases their biases (n_layers, d)
     * @throws IllegalArgumentException when the shapes disagree
     */
    public TunedLens(NDArray weights, NDArray biases) {
        Shape w = weights.getShape();
        Shape b = biases.getShape();
        if (w.dimension() != 3
                || w.get(1) != w.get(2)
                || b.dimension() != 2
                || b.get(0) != w.get(0)
                || b.get(1) != w.get(1)) {
            throw new IllegalArgumentException(
                    "a tuned lens needs weights (n_layers, d, d) and biases (n_layers, d), got "
                            + w
                            + " and "
                            + b);
        }
        this.weights = weights;
        this.biases = biases;
    }

    /**
     * @return the number of layers
     */
    public long layers() {
        return weights.getShape().get(0);
    }

    /**
     * @return the width d
     */
    public long width() {
        return weights.getShape().get(1);
    }

    private NDArray byLayer(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() < 2 || s.get(0) != layers() || s.tail() != width()) {
            throw new IllegalArgumentException(
                    "the tuned lens needs input (n_layers = "
                            + layers()
                            + ", ..., d = "
                            + width()
                            + "), got "
                            + s);
        }
        return x.reshape(layers(), -1, width()); // (L, M, d)
    }

    /**
     * {@code h_l = x_l + x_l W_l^T + b_l}, per layer.
     *
     * @param x the stacked residual streams (n_layers, ..., d)
     * @return the lens-space inputs, the same shape
     */
    public NDArray transform(NDArray x) {
        NDArray xs = byLayer(x); // (L, M, d)
        NDArray wT = own(weights.transpose(0, 2, 1), x); // (L, d_in, d_out)
        NDArray h = xs.add(xs.batchMatMul(wT)).add(own(biases.expandDims(1), x)); // (L, M, d)
        return h.reshape(x.getShape());
    }

    /**
     * The reference's inverse: {@code diag((W_l + I)^-1) * (rec_l - b_l)}, elementwise.
     *
     * @param rec reconstructions in lens space (n_layers, ..., d)
     * @return (n_layers, ..., d)
     */
    public NDArray inverse(NDArray rec) {
        NDArray rs = byLayer(rec); // (L, M, d)
        NDArray diag = inverses(rec.getManager()).diagonal(0, 1, 2); // (L, d)
        return rs.sub(own(biases.expandDims(1), rec))
                .mul(diag.expandDims(1))
                .reshape(rec.getShape());
    }

    /**
     * The true inverse {@code (W_l + I)^-1 (rec_l - b_l)}.
     *
     * @param rec reconstructions in lens space (n_layers, ..., d)
     * @return (n_layers, ..., d)
     */
    public NDArray exactInverse(NDArray rec) {
        NDArray rs = byLayer(rec).sub(own(biases.expandDims(1), rec)); // (L, M, d)
        NDArray invT = inverses(rec.getManager()).transpose(0, 2, 1); // (L, d, d)
        return rs.batchMatMul(invT).reshape(rec.getShape());
    }

    /** {@code (W_l + I)^-1} for every layer, (L, d, d). */
    private NDArray inverses(NDManager m) {
        NDArray eye = m.eye((int) width()).expandDims(0); // (1, d, d)
        NDArray shifted = weights.add(eye); // (L, d, d), in the lens's manager: move it
        shifted.attach(m);
        return shifted.inverse();
    }

    /** Ops on the lens's arrays land in the lens's manager; the caller's batch owns them. */
    private static NDArray own(NDArray a, NDArray like) {
        a.attach(like.getManager());
        return a;
    }
}
