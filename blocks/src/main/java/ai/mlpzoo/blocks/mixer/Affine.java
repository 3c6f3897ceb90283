package ai.mlpzoo.blocks.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * ResMLP's Affine "normalisation" (Touvron et al. 2021, "ResMLP: Feedforward networks for image
 * classification with data-efficient training"): {@code alpha * x + beta} per channel, no
 * statistics. Parameters {@code alpha} and {@code beta} of shape (1, 1, dim), as in timm.
 *
 * <p>Shapes: (batch, tokens, dim) to the same.
 */
public class Affine extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Parameter alpha;
    private final Parameter beta;

    /**
     * Creates the affine map.
     *
     * @param dim the channel count
     */
    public Affine(int dim) {
        super(VERSION);
        Shape shape = new Shape(1, 1, dim);
        alpha =
                addParameter(
                        Parameter.builder()
                                .setName("alpha")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(shape)
                                .optInitializer(Initializer.ONES)
                                .build());
        beta =
                addParameter(
                        Parameter.builder()
                                .setName("beta")
                                .setType(Parameter.Type.BIAS)
                                .optShape(shape)
                                .optInitializer(Initializer.ZEROS)
                                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray a = ps.getValue(alpha, x.getDevice(), training);
        NDArray b = ps.getValue(beta, x.getDevice(), training);
        return new NDList(x.mul(a).addi(b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
