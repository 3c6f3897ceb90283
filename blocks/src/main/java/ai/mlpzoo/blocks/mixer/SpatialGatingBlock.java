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
 * The gMLP layer (Liu et al. 2021, "Pay Attention to MLPs"): one pre-normed residual branch holding
 * a {@link GatedMlp}. Children {@code norm} (LayerNorm, eps 1e-6) and {@code mlp_channels}, as in
 * timm's {@code SpatialGatingBlock}.
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
     * Creates the layer: a norm from {@code args.norm()} and the channel MLP from {@code
     * args.mlp()} (gMLP's {@link GatedMlp}, width {@code mlp_ratio * dim}).
     *
     * @param args the width, token count, the channel ratio, parts and rates
     * @throws IllegalArgumentException naming the field when there is not one ratio
     */
    public SpatialGatingBlock(LayerArgs args) {
        super(VERSION);
        args.requireRatios(1, "block gmlp (channel)");
        int dim = args.dim();
        this.dropPath = args.dropPath();
        norm = addChildBlock("norm", args.norm().create(dim));
        mlpChannels =
                addChildBlock(
                        "mlp_channels",
                        args.mlp()
                                .create(
                                        dim,
                                        args.hidden(0),
                                        args.seqLen(),
                                        args.act(),
                                        args.drop()));
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
