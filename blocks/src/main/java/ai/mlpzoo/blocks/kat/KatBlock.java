package ai.mlpzoo.blocks.kat;

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
import ai.mlpzoo.blocks.kan.KatMlp;
import ai.mlpzoo.blocks.kan.RationalInit;

/**
 * One pre-norm Transformer block of KAT (Yang and Wang 2024, section 4): {@code x + attn(norm1(x))}
 * then {@code x + mlp(norm2(x))}, the MLP a GR-KAN ({@link KatMlp}: rational, linear, rational,
 * linear, 8 groups). timm's {@code Block} without LayerScale or drop path (KAT's {@code
 * init_values} is None). Children {@code norm1, attn, norm2, mlp} as timm's state-dict names; the
 * attention's children are {@code query, key, value, output} (timm's fused {@code qkv} and {@code
 * proj} are split and renamed on import).
 *
 * <p>Shapes: (batch, tokens, dim) to the same.
 */
public class KatBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ChannelLayerNorm norm1;
    private final MultiHeadSelfAttention attn;
    private final ChannelLayerNorm norm2;
    private final KatMlp mlp;

    /**
     * Creates the block.
     *
     * @param dim the width
     * @param heads the attention heads, dividing {@code dim}
     * @param hidden the GR-KAN's hidden width (dim · mlp_ratio), divisible by 8
     * @param actInit the second rational's initial function (KAT: swish, or gelu)
     * @param eps the LayerNorms' epsilon (timm's ViT: 1e-6)
     */
    public KatBlock(int dim, int heads, int hidden, RationalInit actInit, double eps) {
        super(VERSION);
        norm1 = addChildBlock("norm1", new ChannelLayerNorm(2, eps));
        attn = addChildBlock("attn", new MultiHeadSelfAttention(dim, heads, true));
        norm2 = addChildBlock("norm2", new ChannelLayerNorm(2, eps));
        mlp = addChildBlock("mlp", new KatMlp(hidden, dim, 8, actInit, 0f));
    }

    /**
     * @return the attention
     */
    public MultiHeadSelfAttention attention() {
        return attn;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, T, D)
        NDArray a = norm1.forward(ps, new NDList(x), training).head(); // (B, T, D)
        x = x.add(attn.forward(ps, new NDList(a), training).head()); // (B, T, D)
        NDArray m = norm2.forward(ps, new NDList(x), training).head(); // (B, T, D)
        return new NDList(x.add(mlp.forward(ps, new NDList(m), training).head())); // (B, T, D)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        norm1.initialize(manager, dataType, x);
        attn.initialize(manager, dataType, x);
        norm2.initialize(manager, dataType, x);
        mlp.initialize(manager, dataType, x);
    }
}
