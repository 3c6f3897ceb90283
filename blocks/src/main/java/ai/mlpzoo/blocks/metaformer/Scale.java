package ai.mlpzoo.blocks.metaformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.Initializers;
import ai.mlpzoo.blocks.common.StepLocal;

/**
 * timm's MetaFormer {@code Scale}: {@code x * scale} with a learnt per-channel {@code scale} (C,)
 * broadcast over H and W. As a layer scale (Touvron et al. 2021, "Going deeper with Image
 * Transformers") it starts small (PoolFormer: 1e-5 or 1e-6) on a residual branch; as a res scale
 * (Shleifer et al. 2021, "NormFormer") it starts at 1 on the residual path itself.
 *
 * <p>Shapes: (batch, C, H, W) to the same.
 */
public class Scale extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final Parameter scale;

    /**
     * Creates the scale.
     *
     * @param channels C
     * @param initValue every element's initial value
     */
    public Scale(int channels, double initValue) {
        super(VERSION);
        this.channels = Checks.positive(channels, "dims");
        scale =
                addParameter(
                        Parameter.builder()
                                .setName("scale")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(channels))
                                .optInitializer(Initializers.constant(initValue))
                                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // (B, C, H, W) * (C, 1, 1)
        NDArray x = inputs.head(); // (B, C, H, W)
        NDArray s = ps.getValue(scale, x.getDevice(), training); // (C,)
        return new NDList(x.mul(StepLocal.view(s, x, p -> p.reshape(channels, 1, 1))));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
