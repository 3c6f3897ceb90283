package ai.mlpzoo.blocks.hourglass;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.Checks;

/**
 * The output projection W_out of the Hourglass MLP (Chen et al. 2025, arXiv:2510.01796, figure 1b)
 * as a classifier: a final LayerNorm on the residual stream (the blocks are pre-norm, so the stream
 * itself is never normalised before this point), then a Linear to the classes.
 *
 * <p>Children, in file order: {@code norm} (absent without norms), {@code fc}.
 *
 * <p>Outputs: the logits (batch, d_y) and the normalised features (batch, d_z), {@code pre_logits}.
 */
public class ClassifierHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dz;
    private final int dy;
    private final ChannelLayerNorm norm;
    private final Linear fc;

    /**
     * Creates the head.
     *
     * @param dz the width of the residual stream it reads
     * @param dy the number of classes (the paper's d_y)
     * @param layerNorm whether a LayerNorm precedes the Linear
     */
    public ClassifierHead(int dz, int dy, boolean layerNorm) {
        super(VERSION);
        this.dz = Checks.positive(dz, "d_z");
        this.dy = Checks.positive(dy, "d_y");
        norm = layerNorm ? addChildBlock("norm", new ChannelLayerNorm(1, 1e-5)) : null;
        fc = addChildBlock("fc", Linear.builder().setUnits(dy).build());
    }

    /**
     * @return the number of classes
     */
    public int dy() {
        return dy;
    }

    /**
     * @return whether a LayerNorm precedes the Linear
     */
    public boolean hasNorm() {
        return norm != null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray f = norm == null ? inputs.head() : norm.forward(ps, inputs, training).head();
        // f: (B, d_z)
        NDArray logits = fc.forward(ps, new NDList(f), training).head(); // (B, d_y)
        return new NDList(logits, f);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, dy), new Shape(b, dz)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape stream = new Shape(inputs[0].get(0), dz);
        if (norm != null) {
            norm.initialize(manager, dataType, stream);
        }
        fc.initialize(manager, dataType, stream);
    }
}
