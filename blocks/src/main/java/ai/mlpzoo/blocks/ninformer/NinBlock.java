package ai.mlpzoo.blocks.ninformer;

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
 * One NiNformer block (Abdullah and Aydin 2024, the reference's {@code NiNBlock}): the outer
 * network of the network in network, {@code x = x + mgu(norm(x))}, then {@code x = x +
 * ffn(norm(x))}. The one LayerNorm {@code norm} (eps 1e-5) serves both sub-layers, as in the
 * reference: its weights are shared, not duplicated. {@code ffn} is the Transformer MLP d_model →
 * d_ffn → d_model with exact GELU and dropout after each layer (the reference's {@code
 * FeedForward}: {@code net.0}, {@code net.3}, here {@link Mlp}'s {@code fc1}, {@code fc2}).
 *
 * <p>Children {@code norm}, {@code mgu}, {@code ffn}, in the reference's order.
 *
 * <p>Shapes: (batch, seq_len, d_model) to the same.
 */
public class NinBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ChannelLayerNorm norm;
    private final MixerGatingUnit mgu;
    private final Mlp ffn;

    /**
     * Creates the block.
     *
     * @param dModel the token width
     * @param dFfn the hidden width of every MLP in the block
     * @param seqLen the number of tokens
     * @param dropout the MLPs' dropout while training
     */
    public NinBlock(int dModel, int dFfn, int seqLen, float dropout) {
        super(VERSION);
        norm = addChildBlock("norm", new ChannelLayerNorm(2, 1e-5));
        mgu = addChildBlock("mgu", new MixerGatingUnit(dModel, seqLen, dFfn, dropout));
        ffn = addChildBlock("ffn", new Mlp(dFfn, dModel, BaseActivation.GELU, dropout));
    }

    /**
     * @return the gating unit
     */
    public MixerGatingUnit getGatingUnit() {
        return mgu;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, N, D)
        NDArray u = norm.forward(ps, new NDList(x), training).head(); // (B, N, D)
        x = x.add(mgu.forward(ps, new NDList(u), training).head()); // (B, N, D)
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
        mgu.initialize(manager, dataType, inputs[0]);
        ffn.initialize(manager, dataType, inputs[0]);
    }
}
