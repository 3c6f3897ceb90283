package ai.mlpzoo.blocks.repmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * RepMLPNet's channel FFN (the reference's {@code FFNBlock}): {@code ffn_fc2(GELU(ffn_fc1(x)))},
 * each a 1×1 {@link ConvBn} (C → 4C → C), GELU in its exact erf form. Children {@code ffn_fc1},
 * {@code ffn_fc2}.
 *
 * <p>Shapes: (B, C, H, W) to (B, C, H, W).
 */
public class FfnBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ConvBn fc1;
    private final ConvBn fc2;
    private final int hidden;

    /**
     * Creates the FFN.
     *
     * @param channels C
     * @param hidden the hidden width (4C in RepMLPNet)
     */
    public FfnBlock(int channels, int hidden) {
        super(VERSION);
        this.hidden = hidden;
        Shape one = new Shape(1, 1);
        Shape zero = new Shape(0, 0);
        fc1 = addChildBlock("ffn_fc1", new ConvBn(hidden, one, one, zero, 1, false));
        fc2 = addChildBlock("ffn_fc2", new ConvBn(channels, one, one, zero, 1, false));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y = fc1.forward(ps, inputs, training).head(); // (B, 4C, H, W)
        y = Activation.gelu(y); // (B, 4C, H, W)
        return fc2.forward(ps, new NDList(y), training); // (B, C, H, W)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0];
        fc1.initialize(manager, dataType, in);
        fc2.initialize(manager, dataType, new Shape(in.get(0), hidden, in.get(2), in.get(3)));
    }
}
