package ai.mlpzoo.blocks.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.DropPath;
import ai.mlpzoo.blocks.common.HookPoint;

import java.util.List;

/**
 * The gMLP layer (Liu et al. 2021, "Pay Attention to MLPs"): one pre-normed residual branch
 * holding a {@link GatedMlp}. Children {@code norm} (LayerNorm, eps 1e-6) and {@code
 * mlp_channels}, as in timm's {@code SpatialGatingBlock}.
 *
 * <p>Shapes: (batch, tokens, dim) to the same.
 *
 * <p>Hook points, one per child, on its output: {@code norm}, {@code mlp_channels}.
 */
public class SpatialGatingBlock extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final Block norm;
    private final Block mlpChannels;
    private final float dropPath;
    private final HookPoint hookNorm = new HookPoint("norm");
    private final HookPoint hookMlpChannels = new HookPoint("mlp_channels");

    /**
     * Creates the layer.
     *
     * @param dim the channel width
     * @param seqLen the number of tokens
     * @param mlpRatio the gated MLP's hidden width as a multiple of dim (timm: 6)
     * @param eps the LayerNorm epsilon (timm: 1e-6)
     * @param drop dropout inside the MLP while training
     * @param dropPath stochastic-depth rate of the residual branch
     */
    public SpatialGatingBlock(
            int dim, int seqLen, double mlpRatio, double eps, float drop, float dropPath) {
        super(VERSION);
        this.dropPath = dropPath;
        norm = addChildBlock("norm", Norms.layerNorm(eps));
        mlpChannels =
                addChildBlock("mlp_channels", new GatedMlp((int) (mlpRatio * dim), dim, seqLen, drop));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray y = hookNorm.apply(x, norm.forward(ps, inputs, training).head());
        y = hookMlpChannels.apply(y, mlpChannels.forward(ps, new NDList(y), training).head());
        return new NDList(x.add(DropPath.apply(y, dropPath, training)));
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookNorm, hookMlpChannels);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        norm.initialize(manager, dataType, inputs[0]);
        mlpChannels.initialize(manager, dataType, inputs[0]);
    }
}
