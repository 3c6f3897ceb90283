package ai.mlpzoo.blocks.timeseries.timemixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * The season/trend decompositions of TimeMixer's past decomposable mixing, as the reference
 * computes them.
 *
 * <ul>
 *   <li>{@link #movingAverage}: {@code layers/Autoformer_EncDec.py series_decomp}: trend = the
 *       moving average of kernel k along time with (k - 1) / 2 copies of the first step in front
 *       and of the last step behind (edge replication), season = x - trend. A kernel longer than
 *       the series is fine: the average is then mostly the edges.
 *   <li>{@link #dft}: {@code DFT_series_decomp} as it behaves, not as its name says. It takes
 *       {@code rfft} over the last axis (d_model, not time), then {@code freq[0] = 0} zeroes the
 *       magnitudes of the whole first sample of the batch axis (not the DC bin), so the smallest of
 *       the top-k magnitudes is 0 and the mask {@code freq <= min} removes exactly that sample's
 *       bins. The result: sample 0 of the (B or B*N) axis gets season 0 and trend x; every other
 *       sample gets season = irfft(rfft(x)) = x and trend = x - season, zero up to the reference's
 *       round-off (about 1e-7). This port computes that effect directly (season = x with sample 0
 *       zeroed), so it depends on the position in the batch exactly as the reference does.
 * </ul>
 */
public final class SeriesDecomposition {

    private SeriesDecomposition() {}

    /**
     * The moving-average decomposition.
     *
     * @param x (B', T, d)
     * @param kernel the odd kernel k
     * @return NDList(season (B', T, d), trend (B', T, d))
     */
    public static NDList movingAverage(NDArray x, int kernel) {
        int pad = (kernel - 1) / 2;
        long t = x.getShape().get(1);
        NDArray padded = x; // (B', T + 2 pad, d) once padded
        if (pad > 0) {
            NDArray front = x.get(":, :1, :").repeat(1, pad); // (B', pad, d)
            NDArray end = x.get(":, {}:, :", t - 1).repeat(1, pad); // (B', pad, d)
            padded = NDArrays.concat(new NDList(front, x, end), 1); // (B', T + 2 pad, d)
        }
        NDArray trend =
                Pool.avgPool1d(
                                padded.transpose(0, 2, 1), // (B', d, T + 2 pad)
                                new Shape(kernel),
                                new Shape(1),
                                new Shape(0),
                                false,
                                true) // (B', d, T)
                        .transpose(0, 2, 1); // (B', T, d)
        return new NDList(x.sub(trend), trend);
    }

    /**
     * The DFT decomposition's effective computation (see the class comment).
     *
     * @param x (B', T, d)
     * @return NDList(season (B', T, d), trend (B', T, d))
     */
    public static NDList dft(NDArray x) {
        long n = x.getShape().get(0);
        NDArray zero = x.get(":1").zerosLike(); // (1, T, d)
        NDArray season =
                n == 1 ? zero : NDArrays.concat(new NDList(zero, x.get("1:")), 0); // (B', T, d)
        return new NDList(season, x.sub(season));
    }
}
