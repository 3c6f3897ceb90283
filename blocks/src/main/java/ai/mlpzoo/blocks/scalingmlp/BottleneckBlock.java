package ai.mlpzoo.blocks.scalingmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;

/**
 * The residual branch of a Scaling-MLP block (Bachmann et al. 2023, section 3): {@code thin → wide
 * → thin} with an exact GELU between, as the reference's {@code BottleneckBlock}, whose {@code
 * nn.Sequential} names the two Linears {@code block.0} and {@code block.2} (the GELU is {@code
 * block.1} and has no parameters). The residual and the norm before it belong to {@link
 * BottleneckMlp}, as in the reference.
 *
 * <p>Shapes: (batch, thin) to (batch, thin).
 */
public class BottleneckBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int thin;
    private final int wide;
    private final Linear up;
    private final Linear down;

    /**
     * Creates the branch.
     *
     * @param thin the residual width (the reference's {@code thin})
     * @param wide the expanded width (the reference's {@code wide}), at least {@code thin}
     */
    public BottleneckBlock(int thin, int wide) {
        super(VERSION);
        this.thin = Checks.positive(thin, "thin");
        this.wide = Checks.positive(wide, "wide");
        up = addChildBlock("block.0", Linear.builder().setUnits(wide).build());
        down = addChildBlock("block.2", Linear.builder().setUnits(thin).build());
    }

    /**
     * @return the residual width
     */
    public int thin() {
        return thin;
    }

    /**
     * @return the expanded width
     */
    public int wide() {
        return wide;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = up.forward(ps, inputs, training).head(); // (B, wide)
        h = Activation.gelu(h); // (B, wide), exact erf GELU as nn.GELU()
        return down.forward(ps, new NDList(h), training); // (B, thin)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), thin)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        up.initialize(manager, dataType, new Shape(b, thin));
        down.initialize(manager, dataType, new Shape(b, wide));
    }
}
