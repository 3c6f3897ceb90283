package ai.mlpzoo.sae.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * The synthetic ground truth of Sharkey et al. 2022 ("Taking features out of superposition with
 * sparse autoencoders"), as replicated in HoagyC/sparse_coding: {@code n} random unit-norm feature
 * directions in R^d; feature i is active with probability proportional to {@code decay^i}, rescaled
 * so that on average {@code meanActive} features are active per sample, with a strength drawn from
 * U(0, 1). A sample is the sum of its active features times their strengths.
 */
public final class ToyFeatures implements BatchSource {

    private final NDArray features;
    private final NDArray probs;
    private final int batchSize;

    /**
     * Draws the ground-truth features (with DJL's seeded generator: call {@code
     * Engine.getInstance().setRandomSeed} first for reproducibility).
     *
     * @param manager the owner of the features
     * @param n the number of features (512)
     * @param d the ambient dimension (256)
     * @param decay the frequency decay (0.99)
     * @param meanActive the mean number of active features per sample (5)
     * @param batchSize the rows per batch
     */
    public ToyFeatures(
            NDManager manager, int n, int d, double decay, double meanActive, int batchSize) {
        if (n <= 0 || d <= 0 || batchSize <= 0 || !(decay > 0 && decay <= 1) || !(meanActive > 0)) {
            throw new IllegalArgumentException(
                    "n, d, batch size, decay in (0, 1] and mean active must be positive");
        }
        NDArray f = manager.randomNormal(new Shape(n, d));
        features = f.div(f.norm(new int[] {1}, true));
        double sum = 0;
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) Math.pow(decay, i);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] = (float) Math.min(1.0, p[i] * meanActive / sum);
        }
        probs = manager.create(p);
        this.batchSize = batchSize;
    }

    /**
     * @return the ground-truth directions (n, d), unit rows
     */
    public NDArray features() {
        return features;
    }

    @Override
    public NDList next(NDManager manager) {
        long n = features.getShape().get(0);
        Shape s = new Shape(batchSize, n);
        NDArray active =
                manager.randomUniform(0f, 1f, s).lt(probs).toType(features.getDataType(), false);
        NDArray coeffs = manager.randomUniform(0f, 1f, s).mul(active); // (B, n)
        return new NDList(coeffs.matMul(features)); // (B, d)
    }

    /**
     * Mean max cosine similarity: for each ground-truth feature, the best cosine with any
     * dictionary row, averaged over features.
     *
     * @param truth (n, d) ground-truth directions
     * @param dictionary (m, d) learned directions (decoder rows)
     * @return MMCS in [-1, 1]
     */
    public static double mmcs(NDArray truth, NDArray dictionary) {
        try (NDManager m = truth.getManager().newSubManager()) {
            NDArray t = truth.div(truth.norm(new int[] {1}, true));
            t.attach(m);
            NDArray w =
                    dictionary.div(Scalars.maximum(dictionary.norm(new int[] {1}, true), 1e-12f));
            w.attach(m);
            return t.matMul(w.transpose()).max(new int[] {1}).mean().getFloat();
        }
    }
}
