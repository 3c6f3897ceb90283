package ai.mlpzoo.blocks.metaformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Initializers;

/**
 * StarReLU (Yu et al. 2022, "MetaFormer Baselines for Vision"): {@code scale * relu(x)^2 + bias}
 * with learnt scalars {@code scale} (1,) and {@code bias} (1,), initially 1 and 0, as timm's {@code
 * StarReLU}; the MLP activation of PoolFormer v2.
 *
 * <p>Shapes: any, to the same.
 */
public class StarReLU extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Parameter scale;
    private final Parameter bias;

    /** Creates the activation with timm's initial values (scale 1, bias 0). */
    public StarReLU() {
        super(VERSION);
        scale =
                addParameter(
                        Parameter.builder()
                                .setName("scale")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(1))
                                .optInitializer(Initializers.constant(1.0))
                                .build());
        bias =
                addParameter(
                        Parameter.builder()
                                .setName("bias")
                                .setType(Parameter.Type.BIAS)
                                .optShape(new Shape(1))
                                .optInitializer(Initializers.constant(0.0))
                                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray r = Activation.relu(x);
        NDArray s = ps.getValue(scale, x.getDevice(), training); // (1,)
        NDArray b = ps.getValue(bias, x.getDevice(), training); // (1,)
        return new NDList(r.mul(r).mul(s).add(b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
