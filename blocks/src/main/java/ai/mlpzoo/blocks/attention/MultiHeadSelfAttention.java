package ai.mlpzoo.blocks.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.Scalars;
import java.util.List;

/**
 * Multi-head scaled dot-product self-attention (Vaswani et al. 2017, "Attention Is All You Need",
 * section 3.2): {@code softmax(Q K^T / sqrt(d_head) + mask) V} per head, the heads concatenated and
 * projected. Children {@code query, key, value, output}, four {@link Linear}s of width {@code dim}
 * (BERT's {@code self.query}, {@code self.key}, {@code self.value} and {@code output.dense}).
 *
 * <p>Inputs: {@code x} (batch, tokens, dim) and optionally an additive mask broadcastable to
 * (batch, heads, tokens, tokens), added to the scaled scores before the softmax: 0 where a key may
 * be attended to and a large negative number where not (BERT's {@code (1 - attention_mask) *
 * finfo.min}, shape (batch, 1, 1, tokens); {@link #additiveMask} builds it). Output: (batch,
 * tokens, dim).
 *
 * <p>Hook point {@code hook_z}: each head's attention output before the output projection, (batch,
 * tokens, heads, d_head), as TransformerLens' and SAELens' {@code hook_z}. A listener may replace
 * it (an attention-output SAE's reconstruction); the projection then sees the replacement.
 */
public class MultiHeadSelfAttention extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final int dim;
    private final int heads;
    private final int headDim;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;
    private final HookPoint hookZ = new HookPoint("hook_z");

    /**
     * Creates the attention.
     *
     * @param dim the model width
     * @param heads the number of heads, dividing {@code dim}
     * @param bias whether the four projections have biases (BERT's do)
     * @throws IllegalArgumentException when {@code heads} does not divide {@code dim}
     */
    public MultiHeadSelfAttention(int dim, int heads, boolean bias) {
        super(VERSION);
        if (dim <= 0 || heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException(
                    "attention: heads ("
                            + heads
                            + ") must be positive and divide the width dim ("
                            + dim
                            + ")");
        }
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        query = addChildBlock("query", linear(dim, bias));
        key = addChildBlock("key", linear(dim, bias));
        value = addChildBlock("value", linear(dim, bias));
        output = addChildBlock("output", linear(dim, bias));
    }

    private static Linear linear(int units, boolean bias) {
        return Linear.builder().setUnits(units).optBias(bias).build();
    }

    /**
     * @return the number of heads
     */
    public int heads() {
        return heads;
    }

    /**
     * @return the width of one head
     */
    public int headDim() {
        return headDim;
    }

    /**
     * Turns a 0/1 attention mask (1 = a real token) into the additive mask this block takes: {@code
     * (1 - mask) * min_float}, as Hugging Face's BERT. Masked keys then get a softmax weight of
     * exactly 0 (exp underflows), as long as a row has one real token.
     *
     * @param attentionMask (batch, tokens), any numeric type
     * @return (batch, 1, 1, tokens) float32
     */
    public static NDArray additiveMask(NDArray attentionMask) {
        NDArray m = attentionMask.toType(DataType.FLOAT32, false); // (B, T)
        return Scalars.mul(m.neg().add(1f), -Float.MAX_VALUE)
                .expandDims(1)
                .expandDims(1); // (B, 1, 1, T)
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0); // (B, T, D)
        if (x.getShape().dimension() != 3 || x.getShape().get(2) != dim) {
            throw new IllegalArgumentException(
                    "attention: input must be (batch, tokens, " + dim + "), got " + x.getShape());
        }
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDList in = new NDList(x);
        NDArray q = split(query.forward(ps, in, training).head(), b, t); // (B, H, T, Dh)
        NDArray k = split(key.forward(ps, in, training).head(), b, t); // (B, H, T, Dh)
        NDArray v = split(value.forward(ps, in, training).head(), b, t); // (B, H, T, Dh)
        // scaled before the matmul's sum is taken in float32, as Hugging Face divides after:
        // the order changes the result by rounding only
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), Math.sqrt(headDim));
        // (B, H, T, T)
        if (inputs.size() > 1 && inputs.get(1) != null) {
            scores = scores.add(inputs.get(1)); // mask (B or 1, 1 or H, 1 or T, T) broadcasts
        }
        NDArray weights = scores.softmax(-1); // (B, H, T, T), over the keys
        NDArray z = weights.matMul(v).transpose(0, 2, 1, 3); // (B, T, H, Dh)
        z = hookZ.apply(z);
        NDArray merged = z.reshape(b, t, dim); // (B, T, D), heads concatenated
        return output.forward(ps, new NDList(merged), training); // (B, T, D)
    }

    /** (B, T, D) to (B, H, T, Dh): head h owns features h*Dh .. (h+1)*Dh - 1, as in BERT. */
    private NDArray split(NDArray y, long b, long t) {
        return y.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookZ);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0]; // (B, T, D)
        query.initialize(manager, dataType, x);
        key.initialize(manager, dataType, x);
        value.initialize(manager, dataType, x);
        output.initialize(manager, dataType, x);
    }
}
