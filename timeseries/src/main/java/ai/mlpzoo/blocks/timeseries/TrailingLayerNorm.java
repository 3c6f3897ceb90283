package ai.mlpzoo.blocks.timeseries;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;

/**
 * PyTorch's {@code nn.LayerNorm(normalized_shape)}: normalises over the trailing axes that {@code
 * normalized_shape} covers (one axis for PatchTSMixer's d_model, two for Google TSMixer's (time,
 * channels)), with an affine {@code weight} and {@code bias} of that shape, named as PyTorch's
 * state dict names them.
 *
 * <p>Shapes: (..., *normalized_shape) to the same.
 */
public class TrailingLayerNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Shape normalizedShape;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the norm.
     *
     * @param normalizedShape the trailing axes normalised together
     * @param eps the variance epsilon (PyTorch's default 1e-5)
     */
    public TrailingLayerNorm(Shape normalizedShape, double eps) {
        super(VERSION);
        for (long d : normalizedShape.getShape()) {
            Checks.positive((int) d, "normalized_shape");
        }
        this.normalizedShape = normalizedShape;
        this.eps = (float) Checks.positive(eps, "norm_eps");
        weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.GAMMA)
                                .optShape(normalizedShape)
                                .build());
        bias =
                addParameter(
                        Parameter.builder()
                                .setName("bias")
                                .setType(Parameter.Type.BETA)
                                .optShape(normalizedShape)
                                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (..., *normalized_shape)
        NDArray w = ps.getValue(weight, x.getDevice(), training); // normalized_shape
        NDArray b = ps.getValue(bias, x.getDevice(), training); // normalized_shape
        return LayerNorm.layerNorm(x, normalizedShape, w, b, eps);
    }

    /**
     * @return the normalised trailing shape
     */
    public Shape getNormalizedShape() {
        return normalizedShape;
    }

    /**
     * @return the variance epsilon
     */
    public float getEpsilon() {
        return eps;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
