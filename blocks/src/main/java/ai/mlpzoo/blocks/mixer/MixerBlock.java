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
 * The MLP-Mixer layer (Tolstikhin et al. 2021, "MLP-Mixer: An all-MLP Architecture for Vision"): a
 * token-mixing MLP across patches, then a channel-mixing MLP across features, each pre-normed and
 * residual. Children {@code norm1, mlp_tokens, norm2, mlp_channels} as in timm's {@code
 * MixerBlock}.
 *
 * <p>The norm, the channel MLP and the activation are injected through {@link LayerArgs} (timm's
 * {@code norm_layer}, {@code mlp_layer}, {@code act_layer}): a KAT group-rational MLP as the
 * channel MLP makes the KAN-Mixer. The token MLP is {@link LayerArgs#tokenMlp()}: an {@link Mlp}
 * for MLP-Mixer and the KAN-Mixer, a {@link GluMlp} for gMixer, whose timm definition makes both
 * MLPs with its {@code mlp_layer}.
 *
 * <p>Shapes: (batch, tokens, dim) to the same.
 *
 * <p>Hook points, one per child, on its output: {@code norm1}, {@code mlp_tokens} (which sees the
 * transposed (batch, dim, tokens) tensor), {@code norm2}, {@code mlp_channels}.
 */
public class MixerBlock extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final Block norm1;
    private final Block mlpTokens;
    private final Block norm2;
    private final Block mlpChannels;
    private final float dropPath;
    private final HookPoint hookNorm1 = new HookPoint("norm1");
    private final HookPoint hookMlpTokens = new HookPoint("mlp_tokens");
    private final HookPoint hookNorm2 = new HookPoint("norm2");
    private final HookPoint hookMlpChannels = new HookPoint("mlp_channels");

    /**
     * Creates the layer: norms from {@code args.norm()}, a token MLP ({@code args.tokenMlp()} with
     * the family's activation, width {@code mlp_ratio[0] * dim}) and the channel MLP from {@code
     * args.mlp()} (width {@code mlp_ratio[1] * dim}).
     *
     * @param args the width, token count, the two ratios (token, channel), parts and rates
     * @throws IllegalArgumentException naming the field when there are not two ratios
     */
    public MixerBlock(LayerArgs args) {
        super(VERSION);
        args.requireRatios(2, "block mixer (token, channel)");
        int dim = args.dim();
        this.dropPath = args.dropPath();
        norm1 = addChildBlock("norm1", args.norm().create(dim));
        // across tokens: width seqLen in and out, hidden from the token ratio (times dim, not
        // seqLen, as timm); the "seqLen" a spatial gate would need is the channel count here
        Block tokens =
                args.tokenMlp().create(args.seqLen(), args.hidden(0), dim, args.act(), args.drop());
        mlpTokens = addChildBlock("mlp_tokens", tokens);
        norm2 = addChildBlock("norm2", args.norm().create(dim));
        Block channels =
                args.mlp().create(dim, args.hidden(1), args.seqLen(), args.act(), args.drop());
        mlpChannels = addChildBlock("mlp_channels", channels);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray t =
                hookNorm1.apply(x, norm1.forward(ps, inputs, training).head()).transpose(0, 2, 1);
        t =
                hookMlpTokens
                        .apply(t, mlpTokens.forward(ps, new NDList(t), training).head())
                        .transpose(0, 2, 1);
        x = x.add(DropPath.apply(t, dropPath, training));
        NDArray c = hookNorm2.apply(x, norm2.forward(ps, new NDList(x), training).head());
        c = hookMlpChannels.apply(c, mlpChannels.forward(ps, new NDList(c), training).head());
        return new NDList(x.add(DropPath.apply(c, dropPath, training)));
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookNorm1, hookMlpTokens, hookNorm2, hookMlpChannels);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        Shape transposed = new Shape(x.get(0), x.get(2), x.get(1));
        norm1.initialize(manager, dataType, x);
        mlpTokens.initialize(manager, dataType, transposed);
        norm2.initialize(manager, dataType, x);
        mlpChannels.initialize(manager, dataType, x);
    }
}
