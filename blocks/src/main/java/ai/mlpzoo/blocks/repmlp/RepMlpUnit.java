package ai.mlpzoo.blocks.repmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.BatchNorm2d;

/**
 * One RepMLPNet unit (the reference's {@code RepMLPNetUnit}): {@code y = x +
 * repmlp_block(prebn1(x))}, {@code z = y + ffn_block(prebn2(y))}, pre-norms being BatchNorms.
 * Children {@code repmlp_block}, {@code ffn_block}, {@code prebn1}, {@code prebn2}.
 *
 * <p>Shapes: (B, C, H, W) to (B, C, H, W).
 */
public class RepMlpUnit extends AbstractBlock {

    private static final byte VERSION = 1;

    private final RepMlpBlock repmlp;
    private final FfnBlock ffn;
    private final BatchNorm2d prebn1;
    private final BatchNorm2d prebn2;

    /**
     * Creates the unit.
     *
     * @param repmlp the RepMLP block
     * @param ffnExpand the FFN's hidden width as a multiple of C (4 in the reference)
     */
    public RepMlpUnit(RepMlpBlock repmlp, int ffnExpand) {
        super(VERSION);
        int c = repmlp.getChannels();
        this.repmlp = addChildBlock("repmlp_block", repmlp);
        ffn = addChildBlock("ffn_block", new FfnBlock(c, c * ffnExpand));
        prebn1 = addChildBlock("prebn1", new BatchNorm2d(c, ConvBn.EPS));
        prebn2 = addChildBlock("prebn2", new BatchNorm2d(c, ConvBn.EPS));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, H, W)
        NDArray u = prebn1.forward(ps, inputs, training).head(); // (B, C, H, W)
        NDArray y = x.add(repmlp.forward(ps, new NDList(u), training).head()); // (B, C, H, W)
        NDArray v = prebn2.forward(ps, new NDList(y), training).head(); // (B, C, H, W)
        return new NDList(y.add(ffn.forward(ps, new NDList(v), training).head())); // (B,C,H,W)
    }

    /**
     * @return the RepMLP block
     */
    public RepMlpBlock getRepmlpBlock() {
        return repmlp;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        repmlp.initialize(manager, dataType, inputs[0]);
        ffn.initialize(manager, dataType, inputs[0]);
        prebn1.initialize(manager, dataType, inputs[0]);
        prebn2.initialize(manager, dataType, inputs[0]);
    }
}
