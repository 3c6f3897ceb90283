package ai.mlpzoo.translate;

import java.util.Arrays;
import java.util.Locale;

/**
 * The active features of a sparse autoencoder for one input: parallel arrays of feature indices
 * (ascending) and their activations, out of {@code width} features in the dictionary.
 *
 * @param indices the active features, ascending
 * @param values their activations
 * @param width the dictionary size (d_sae)
 */
public record SparseFeatures(int[] indices, float[] values, int width) {

    /**
     * Checks the arrays.
     *
     * @throws IllegalArgumentException when they do not describe a sparse vector
     */
    public SparseFeatures {
        if (indices.length != values.length) {
            throw new IllegalArgumentException(
                    indices.length + " indices but " + values.length + " values");
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= width || (i > 0 && indices[i] <= indices[i - 1])) {
                throw new IllegalArgumentException(
                        "indices must be ascending in [0, " + width + ")");
            }
        }
    }

    /**
     * Builds the sparse form of dense activations.
     *
     * @param dense the activations of every feature
     * @param threshold keep features whose activation exceeds this in absolute value
     * @param topK keep at most this many, the largest in absolute value (0 for no limit)
     * @return the active features
     */
    public static SparseFeatures of(float[] dense, float threshold, int topK) {
        int n = 0;
        for (float v : dense) {
            if (Math.abs(v) > threshold) {
                n++;
            }
        }
        int[] idx = new int[n];
        n = 0;
        for (int i = 0; i < dense.length; i++) {
            if (Math.abs(dense[i]) > threshold) {
                idx[n++] = i;
            }
        }
        if (topK > 0 && idx.length > topK) {
            // the k largest |activation|, ties to the lower index, then back to index order
            idx =
                    Arrays.stream(idx)
                            .boxed()
                            .sorted((a, b) -> Float.compare(Math.abs(dense[b]), Math.abs(dense[a])))
                            .limit(topK)
                            .mapToInt(Integer::intValue)
                            .sorted()
                            .toArray();
        }
        float[] vals = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            vals[i] = dense[idx[i]];
        }
        return new SparseFeatures(idx, vals, dense.length);
    }

    /**
     * @return the number of active features
     */
    public int size() {
        return indices.length;
    }

    /**
     * @return the dense vector of {@code width} activations
     */
    public float[] toDense() {
        float[] dense = new float[width];
        for (int i = 0; i < indices.length; i++) {
            dense[indices[i]] = values[i];
        }
        return dense;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseFeatures s
                && width == s.width
                && Arrays.equals(indices, s.indices)
                && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + Arrays.hashCode(indices)) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SparseFeatures[" + size() + " of " + width + ":");
        for (int i = 0; i < indices.length; i++) {
            sb.append(String.format(Locale.ROOT, " %d=%.4g", indices[i], values[i]));
        }
        return sb.append(']').toString();
    }
}
