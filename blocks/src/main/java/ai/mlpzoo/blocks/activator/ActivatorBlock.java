package ai.mlpzoo.blocks.activator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.mixer.Mlp;

/**
 * One Activator block (Abdullah and Aydin 2024, the reference's {@code ActivatorBlock}): a
 * Transformer block whose attention is the GLU {@link ActivatorGatingUnit}: {@code x = x +
 * actgu(norm(x))}, then {@code x = x + ffn(norm(x))}. The one LayerNorm {@code norm} (eps 1e-5)
 * serves both sub-layers, as in the reference. {@code ffn} is the Transformer MLP d_model → d_ffn →
 * d_model with exact GELU and dropout after each layer (the reference's {@code FeedForward}, {@code
 * net.0} and {@code net.3}, here {@link Mlp}'s {@code fc1} and {@code fc2}).
 *
 * <p>Children {@code norm}, {@code actgu}, {@code ffn}, in the reference's order.
 *
 * <p>Shapes: (batch, tokens, d_model) to the same.
 */
public class ActivatorBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ChannelLayerNorm norm;
    private final ActivatorGatingUnit actgu;
    private final Mlp ffn;

    /**
     * Creates the block.
     *
     * @param dModel the token width
     * @param dFfn the hidden width of the gating unit and of the ffn
     * @param dropout the ffn's dropout while training (the gating unit has none)
     */
    public ActivatorBlock(int dModel, int dFfn, float dropout) {
        super(VERSION);
        norm = addChildBlock("norm", new ChannelLayerNorm(2, 1e-5));
        actgu = addChildBlock("actgu", new ActivatorGatingUnit(dModel, dFfn));
        ffn = addChildBlock("ffn", new Mlp(dFfn, dModel, BaseActivation.GELU, dropout));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, N, D)
        NDArray u = norm.forward(ps, new NDList(x), training).head(); // (B, N, D)
        x = x.add(actgu.forward(ps, new NDList(u), training).head()); // (B, N, D)
        NDArray v = norm.forward(ps, new NDList(x), training).head(); // (B, N, D), same norm
        return new NDList(x.add(ffn.forward(ps, new NDList(v), training).head())); // (B, N, D)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        norm.initialize(manager, dataType, inputs[0]);
        actgu.initialize(manager, dataType, inputs[0]);
        ffn.initialize(manager, dataType, inputs[0]);
    }
}
