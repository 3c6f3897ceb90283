package ai.mlpzoo.blocks.sae;

import ai.djl.nn.Parameter;

/**
 * The operations an architecture may use to state its inference encoder once more, as a graph that
 * an exporter rebuilds without knowing the architecture ({@link SparseCoder#encoderGraph}). The
 * ONNX exporter implements it with one ONNX node per operation; every operation works on (N, d)
 * matrices and broadcasts a (d) parameter or a scalar over rows, as NDArray does. Kept small on
 * purpose: an architecture that needs another operation adds it here and to the exporters, which is
 * a change of the exporters, not of a registration.
 *
 * @param <T> the exporter's handle of a value (an ONNX value name)
 */
public interface SaeOps<T> {

    /**
     * A parameter of the block, exported under its state-dict name.
     *
     * @param p the parameter
     * @return its value
     */
    T param(Parameter p);

    /**
     * A scalar constant.
     *
     * @param value the value
     * @return the constant
     */
    T constant(float value);

    /**
     * The matrix product {@code a b}.
     *
     * @param a (N, m)
     * @param b (m, n)
     * @return (N, n)
     */
    T matMul(T a, T b);

    /**
     * The element-wise sum, broadcasting.
     *
     * @param a a value
     * @param b a value
     * @return a + b
     */
    T add(T a, T b);

    /**
     * The element-wise product, broadcasting.
     *
     * @param a a value
     * @param b a value
     * @return a * b
     */
    T mul(T a, T b);

    /**
     * The element-wise exponential.
     *
     * @param a a value
     * @return exp(a)
     */
    T exp(T a);

    /**
     * The element-wise ReLU.
     *
     * @param a a value
     * @return max(a, 0)
     */
    T relu(T a);

    /**
     * The element-wise comparison as a float mask, broadcasting.
     *
     * @param a a value
     * @param b a value
     * @return 1 where a &gt; b, else 0
     */
    T greater(T a, T b);

    /**
     * Keeps the k largest entries of each row and zeroes the others.
     *
     * @param a (N, d)
     * @param k the entries kept per row
     * @return (N, d)
     */
    T keepTopK(T a, int k);
}
