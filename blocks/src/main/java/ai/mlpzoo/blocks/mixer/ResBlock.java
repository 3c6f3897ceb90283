package ai.mlpzoo.blocks.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.DropPath;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.Initializers;
import java.util.List;

/**
 * The ResMLP layer (Touvron et al. 2021, "ResMLP: Feedforward networks for image classification
 * with data-efficient training"): norms (Affine in ResMLP), a single linear layer across tokens, a
 * channel MLP, and a per-channel layer-scale on each residual branch. Children {@code norm1,
 * linear_tokens, norm2, mlp_channels}, parameters {@code ls1, ls2}, as in timm's {@code ResBlock}.
 *
 * <p>Shapes: (batch, tokens, dim) to the same.
 *
 * <p>Hook points, one per child, on its output: {@code norm1}, {@code linear_tokens} (which sees
 * the transposed (batch, dim, tokens) tensor), {@code norm2}, {@code mlp_channels} (before the
 * layer-scale {@code ls2}).
 */
public class ResBlock extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final Block norm1;
    private final Linear linearTokens;
    private final Block norm2;
    private final Block mlpChannels;
    private final Parameter ls1;
    private final Parameter ls2;
    private final float dropPath;
    private final HookPoint hookNorm1 = new HookPoint("norm1");
    private final HookPoint hookLinearTokens = new HookPoint("linear_tokens");
    private final HookPoint hookNorm2 = new HookPoint("norm2");
    private final HookPoint hookMlpChannels = new HookPoint("mlp_channels");

    /**
     * Creates the layer: norms from {@code args.norm()} (ResMLP's {@link Affine}), one linear layer
     * across tokens, the channel MLP from {@code args.mlp()} (width {@code mlp_ratio * dim}) and
     * layer-scales starting at {@code args.initValues()} (timm: 0.1 for 12 layers, 1e-5 for 24,
     * 1e-6 deeper).
     *
     * @param args the width, token count, the channel ratio, parts and rates
     * @throws IllegalArgumentException naming the field when there is not one ratio
     */
    public ResBlock(LayerArgs args) {
        super(VERSION);
        args.requireRatios(1, "block resmlp (channel)");
        int dim = args.dim();
        int seqLen = args.seqLen();
        this.dropPath = args.dropPath();
        ls1 = addParameter(layerScale("ls1", dim, args.initValues()));
        ls2 = addParameter(layerScale("ls2", dim, args.initValues()));
        norm1 = addChildBlock("norm1", args.norm().create(dim));
        linearTokens = Linear.builder().setUnits(seqLen).build();
        linearTokens.setInitializer(Initializers.xavierUniform(), Parameter.Type.WEIGHT);
        linearTokens.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        addChildBlock("linear_tokens", linearTokens);
        norm2 = addChildBlock("norm2", args.norm().create(dim));
        mlpChannels =
                addChildBlock(
                        "mlp_channels",
                        args.mlp().create(dim, args.hidden(0), seqLen, args.act(), args.drop()));
    }

    private static Parameter layerScale(String name, int dim, double initValues) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(dim))
                .optInitializer(Initializers.constant(initValues))
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray scale1 = ps.getValue(ls1, x.getDevice(), training);
        NDArray scale2 = ps.getValue(ls2, x.getDevice(), training);
        NDArray t =
                hookNorm1.apply(x, norm1.forward(ps, inputs, training).head()).transpose(0, 2, 1);
        t =
                hookLinearTokens
                        .apply(t, linearTokens.forward(ps, new NDList(t), training).head())
                        .transpose(0, 2, 1);
        x = x.add(DropPath.apply(t.mul(scale1), dropPath, training));
        NDArray c = hookNorm2.apply(x, norm2.forward(ps, new NDList(x), training).head());
        c = hookMlpChannels.apply(c, mlpChannels.forward(ps, new NDList(c), training).head());
        return new NDList(x.add(DropPath.apply(c.mul(scale2), dropPath, training)));
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookNorm1, hookLinearTokens, hookNorm2, hookMlpChannels);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        norm1.initialize(manager, dataType, x);
        linearTokens.initialize(manager, dataType, new Shape(x.get(0), x.get(2), x.get(1)));
        norm2.initialize(manager, dataType, x);
        mlpChannels.initialize(manager, dataType, x);
    }
}
