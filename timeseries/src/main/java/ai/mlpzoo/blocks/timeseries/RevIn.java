package ai.mlpzoo.blocks.timeseries;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * RevIN (Kim et al., ICLR 2022, "Reversible Instance Normalization") as TimeMixer's {@code
 * layers/StandardNorm.py Normalize} and Google TSMixer's {@code RevNorm(axis=-2)}, affine, eps
 * 1e-5: per sample and channel, mean over time and stdev = sqrt(population variance + eps); x' = (x
 * - mean) / stdev * affine_weight + affine_bias. The de-normalisation divides by affine_weight +
 * eps^2 (TimeMixer's 1e-10; Google's RevNorm divides by affine_weight alone, a difference far below
 * float precision for weights near 1). With use_norm off ({@code non_norm}) both directions are the
 * identity.
 *
 * <p>Its forward normalises: (B, T, N) to NDList(x' (B, T, N), mean (B, 1, N), stdev (B, 1, N)).
 */
public final class RevIn extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final float EPS = 1e-5f;

    private final boolean enabled;
    private final Parameter affineWeight;
    private final Parameter affineBias;

    /**
     * @param channels enc_in
     * @param enabled use_norm
     */
    public RevIn(int channels, boolean enabled) {
        super(VERSION);
        this.enabled = enabled;
        affineWeight =
                addParameter(
                        Parameter.builder()
                                .setName("affine_weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(channels))
                                .optInitializer(Initializer.ONES)
                                .build());
        affineBias =
                addParameter(
                        Parameter.builder()
                                .setName("affine_bias")
                                .setType(Parameter.Type.BIAS)
                                .optShape(new Shape(channels))
                                .optInitializer(Initializer.ZEROS)
                                .build());
    }

    /**
     * @return whether it normalises (use_norm)
     */
    public boolean enabled() {
        return enabled;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, T, N)
        NDArray mean = x.mean(new int[] {1}, true); // (B, 1, N)
        NDArray centred = x.sub(mean); // (B, T, N)
        NDArray stdev = centred.square().mean(new int[] {1}, true).add(EPS).sqrt(); // (B, 1, N)
        if (!enabled) {
            return new NDList(x, mean, stdev);
        }
        NDArray w = ps.getValue(affineWeight, x.getDevice(), training); // (N,)
        NDArray b = ps.getValue(affineBias, x.getDevice(), training); // (N,)
        return new NDList(centred.div(stdev).mul(w).add(b), mean, stdev); // (B, T, N)
    }

    /**
     * The reference's {@code denorm}.
     *
     * @param ps the parameter store
     * @param y the forecast, (B, pred_len, N), normalised space
     * @param mean scale 0's mean, (B, 1, N)
     * @param stdev scale 0's stdev, (B, 1, N)
     * @param training whether training
     * @return y in the input's units, (B, pred_len, N)
     */
    public NDArray denormalize(
            ParameterStore ps, NDArray y, NDArray mean, NDArray stdev, boolean training) {
        if (!enabled) {
            return y;
        }
        NDArray w = ps.getValue(affineWeight, y.getDevice(), training); // (N,)
        NDArray b = ps.getValue(affineBias, y.getDevice(), training); // (N,)
        return y.sub(b).div(w.add(EPS * EPS)).mul(stdev).add(mean); // (B, pred_len, N)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        Shape stat = new Shape(s.get(0), 1, s.get(2));
        return new Shape[] {s, stat, stat};
    }
}
