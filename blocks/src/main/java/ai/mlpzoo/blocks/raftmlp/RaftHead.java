package ai.mlpzoo.blocks.raftmlp;

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

/**
 * A RaftMLP level's head ({@code heads.k}): LayerNorm over the channels of each pixel (child {@code
 * 1}, eps 1e-5), the mean over the grid, and, for a level before the last with {@code shortcut}, a
 * Linear D_k → 2·D_last (child {@code 4}) giving the scale and shift that combine it with the later
 * levels.
 *
 * <p>Shapes: (B, D, h, w) to (B, D), or (B, 2·D_last) with the Linear.
 */
public class RaftHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dim;
    private final ChannelLayerNorm norm;
    private final Linear proj;

    RaftHead(int dim, int projection) {
        super(VERSION);
        this.dim = dim;
        norm = addChildBlock("1", new ChannelLayerNorm(2, RaftMlpBranch.EPS));
        proj =
                projection > 0
                        ? addChildBlock("4", Linear.builder().setUnits(projection).build())
                        : null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, D, h, w)
        long b = x.getShape().get(0);
        NDArray t = x.reshape(b, dim, -1).transpose(0, 2, 1); // (B, h·w, D)
        t = norm.forward(ps, new NDList(t), training).head(); // (B, h·w, D)
        NDArray pooled = t.mean(new int[] {1}); // (B, D)
        return proj == null ? new NDList(pooled) : proj.forward(ps, new NDList(pooled), training);
    }

    /**
     * @return whether the head ends in the shortcut Linear
     */
    public boolean hasProjection() {
        return proj != null;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return proj == null
                ? new Shape[] {new Shape(b, dim)}
                : proj.getOutputShapes(new Shape[] {new Shape(b, dim)});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        norm.initialize(manager, dataType, new Shape(b, inputs[0].get(2) * inputs[0].get(3), dim));
        if (proj != null) {
            proj.initialize(manager, dataType, new Shape(b, dim));
        }
    }
}
