package ai.mlpzoo.sae.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * The geometric median of points (the point minimising the sum of Euclidean distances) by
 * Weiszfeld's algorithm, which OpenAI and sparsify use to initialise b_dec: it is robust to the
 * heavy tails of activations, where the mean is not.
 */
public final class GeometricMedian {

    private GeometricMedian() {}

    /**
     * Computes the median.
     *
     * @param points (M, d)
     * @param iterations Weiszfeld iterations (the fixed point is reached in tens)
     * @return (d), owned by the points' manager
     */
    public static NDArray of(NDArray points, int iterations) {
        NDManager owner = points.getManager();
        NDArray median;
        try (NDManager scratch = owner.newSubManager()) {
            NDArray p = points.duplicate();
            p.attach(scratch);
            NDArray m = p.mean(new int[] {0});
            for (int i = 0; i < iterations; i++) {
                // weights 1 / |p_i - m|, floored so a point at the median does not divide by zero
                NDArray w =
                        Scalars.pow(
                                Scalars.maximum(p.sub(m).norm(new int[] {1}, true), 1e-8f),
                                -1); // (M, 1)
                m = p.mul(w).sum(new int[] {0}).div(w.sum());
            }
            median = m;
            median.attach(owner);
        }
        return median;
    }
}
