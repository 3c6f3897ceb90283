package ai.mlpzoo.blocks.timeseries.patchtsmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * PatchTSMixer's optional self-attention over the patches ({@code PatchTSMixerAttention}, BART's
 * multi-head attention): q scaled by head_dim^-0.5, the heads splitting d_model, softmax over the
 * patches, dropout on the attention weights while training, then {@code out_proj}.
 *
 * <p>Children {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code out_proj}, each
 * Linear(d_model, d_model) with bias. Shapes: (N, P, d_model) to the same.
 */
public class PatchAttention extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dModel;
    private final int heads;
    private final float dropout;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;

    /**
     * Creates the attention.
     *
     * @param dModel the embedding width
     * @param heads the heads ({@code self_attn_heads}), dividing d_model
     * @param dropout the attention dropout while training
     */
    public PatchAttention(int dModel, int heads, float dropout) {
        super(VERSION);
        this.dModel = Checks.positive(dModel, "d_model");
        this.heads = Checks.positive(heads, "self_attn_heads");
        Checks.divides(heads, "self_attn_heads", dModel, "d_model");
        this.dropout = dropout;
        q = addChildBlock("q_proj", Linear.builder().setUnits(dModel).build());
        k = addChildBlock("k_proj", Linear.builder().setUnits(dModel).build());
        v = addChildBlock("v_proj", Linear.builder().setUnits(dModel).build());
        out = addChildBlock("out_proj", Linear.builder().setUnits(dModel).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (N, P, D)
        long n = x.getShape().get(0);
        long p = x.getShape().get(1);
        int hd = dModel / heads;
        NDArray qs =
                Scalars.mul(q.forward(ps, inputs, training).head(), (float) Math.pow(hd, -0.5));
        NDArray ks = k.forward(ps, inputs, training).head(); // (N, P, D)
        NDArray vs = v.forward(ps, inputs, training).head(); // (N, P, D)
        qs = qs.reshape(n, p, heads, hd).transpose(0, 2, 1, 3); // (N, H, P, hd)
        ks = ks.reshape(n, p, heads, hd).transpose(0, 2, 3, 1); // (N, H, hd, P)
        vs = vs.reshape(n, p, heads, hd).transpose(0, 2, 1, 3); // (N, H, P, hd)
        NDArray w = qs.matMul(ks).softmax(-1); // (N, H, P, P), over the keys
        if (training && dropout > 0f) {
            w = Dropout.dropout(w, dropout, true).head();
        }
        NDArray a = w.matMul(vs).transpose(0, 2, 1, 3).reshape(n, p, dModel); // (N, P, D)
        return out.forward(ps, new NDList(a), training); // (N, P, D)
    }

    /**
     * @return d_model
     */
    public int getDModel() {
        return dModel;
    }

    /**
     * @return the number of heads
     */
    public int getHeads() {
        return heads;
    }

    /**
     * @return the projections q, k, v, out
     */
    public Linear[] getProjections() {
        return new Linear[] {q, k, v, out};
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        for (Linear l : getProjections()) {
            l.initialize(manager, dataType, inputs[0]);
        }
    }
}
