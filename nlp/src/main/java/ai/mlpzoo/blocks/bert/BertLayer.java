package ai.mlpzoo.blocks.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.attention.MultiHeadSelfAttention;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.HookPoint;
import java.util.List;

/**
 * One post-norm BERT layer (Devlin et al. 2019; the original Transformer's arrangement): {@code x =
 * norm1(x + attention(x))}, then {@code x = norm2(x + mlp(x))}. Children {@code attention}, {@code
 * attention_norm}, {@code mlp}, {@code mlp_norm}.
 *
 * <p>Inputs: {@code x} (batch, tokens, hidden) and the additive attention mask (batch, 1, 1,
 * tokens). Output (batch, tokens, hidden).
 *
 * <p>Hook points, as SAELens names them: {@code hook_resid_pre} (the layer's input), {@code mlp}
 * (on the MLP: its input and output), {@code hook_resid_post} (the layer's output, after the second
 * norm; in a post-norm model this is the next layer's {@code hook_resid_pre}), and the attention's
 * {@code attention.hook_z}.
 */
public class BertLayer extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final MultiHeadSelfAttention attention;
    private final ChannelLayerNorm attentionNorm;
    private final BertMlp mlp;
    private final ChannelLayerNorm mlpNorm;
    private final HookPoint hookResidPre = new HookPoint("hook_resid_pre");
    private final HookPoint hookMlp = new HookPoint("mlp");
    private final HookPoint hookResidPost = new HookPoint("hook_resid_post");

    /**
     * Creates the layer.
     *
     * @param config the sizes
     */
    public BertLayer(BertConfig config) {
        super(VERSION);
        attention =
                addChildBlock(
                        "attention",
                        new MultiHeadSelfAttention(config.hidden(), config.heads(), true));
        attentionNorm = addChildBlock("attention_norm", new ChannelLayerNorm(2, config.eps()));
        mlp = addChildBlock("mlp", new BertMlp(config.hidden(), config.intermediate()));
        mlpNorm = addChildBlock("mlp_norm", new ChannelLayerNorm(2, config.eps()));
    }

    /**
     * @return the self-attention
     */
    public MultiHeadSelfAttention attention() {
        return attention;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = hookResidPre.apply(inputs.get(0)); // (B, T, H)
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null; // (B, 1, 1, T)
        NDList attnIn = mask == null ? new NDList(x) : new NDList(x, mask);
        NDArray a = attention.forward(ps, attnIn, training).head(); // (B, T, H)
        x = attentionNorm.forward(ps, new NDList(x.add(a)), training).head(); // (B, T, H)
        NDArray m = hookMlp.apply(x, mlp.forward(ps, new NDList(x), training).head()); // (B,T,H)
        x = mlpNorm.forward(ps, new NDList(x.add(m)), training).head(); // (B, T, H)
        return new NDList(hookResidPost.apply(x));
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookResidPre, hookMlp, hookResidPost);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        attention.initialize(manager, dataType, x);
        attentionNorm.initialize(manager, dataType, x);
        mlp.initialize(manager, dataType, x);
        mlpNorm.initialize(manager, dataType, x);
    }
}
