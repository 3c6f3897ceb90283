package ai.mlpzoo.blocks.metaformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.AvgPoolExcludePad;
import ai.mlpzoo.blocks.common.DropPath;
import ai.mlpzoo.blocks.common.HookPoint;
import java.util.List;

/**
 * One MetaFormer block with pooling as the token mixer, PoolFormer's block (Yu et al. 2022,
 * "MetaFormer Is Actually What You Need for Vision"; timm's {@code MetaFormerBlock} with {@code
 * Pooling}):
 *
 * <pre>
 * n = norm1(x);  x = res_scale1(x) + layer_scale1(AvgPool(n) - n)
 * x = res_scale2(x) + layer_scale2(mlp(norm2(x)))
 * </pre>
 *
 * AvgPool is {@link AvgPoolExcludePad} (k x k, stride 1, the padding not counted); subtracting the
 * input makes the mixer a pure "what the neighbours add" term, since the residual already carries
 * x. The layer scales and res scales exist only when their initial value is given (timm's {@code
 * nn.Identity} otherwise). Children in timm's order {@code norm1, layer_scale1, res_scale1, norm2,
 * mlp, layer_scale2, res_scale2}, the absent ones left out; the pooling has no parameters and no
 * child.
 *
 * <p>Shapes: (batch, C, H, W) to the same.
 *
 * <p>Hook points {@code token_mixer} (the pooled difference, before the layer scale) and {@code
 * mlp} (the MLP's output).
 */
public class MetaFormerBlock extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final Block norm1;
    private final Scale layerScale1;
    private final Scale resScale1;
    private final Block norm2;
    private final ConvMlp mlp;
    private final Scale layerScale2;
    private final Scale resScale2;
    private final int poolSize;
    private final float dropPath;
    private final HookPoint hookTokenMixer = new HookPoint("token_mixer");
    private final HookPoint hookMlp = new HookPoint("mlp");

    /**
     * Creates the block.
     *
     * @param dim C
     * @param poolSize the pooling window (PoolFormer: 3)
     * @param norm the two norms' type
     * @param act the MLP activation
     * @param mlpBias whether the MLP convolutions have biases
     * @param layerScale the layer scales' initial value, or null for none
     * @param resScale the res scales' initial value, or null for none
     * @param projDrop dropout inside the MLP while training
     * @param dropPath the stochastic-depth rate of both branches
     */
    public MetaFormerBlock(
            int dim,
            int poolSize,
            NormType norm,
            ConvMlp.Act act,
            boolean mlpBias,
            Double layerScale,
            Double resScale,
            float projDrop,
            float dropPath) {
        super(VERSION);
        this.poolSize = poolSize;
        this.dropPath = dropPath;
        norm1 = addChildBlock("norm1", norm.create(dim));
        layerScale1 =
                layerScale == null
                        ? null
                        : addChildBlock("layer_scale1", new Scale(dim, layerScale));
        resScale1 = resScale == null ? null : addChildBlock("res_scale1", new Scale(dim, resScale));
        norm2 = addChildBlock("norm2", norm.create(dim));
        mlp = addChildBlock("mlp", new ConvMlp(dim, 4 * dim, act, mlpBias, projDrop));
        layerScale2 =
                layerScale == null
                        ? null
                        : addChildBlock("layer_scale2", new Scale(dim, layerScale));
        resScale2 = resScale == null ? null : addChildBlock("res_scale2", new Scale(dim, resScale));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, H, W)
        NDArray n = norm1.forward(ps, inputs, training).head(); // (B, C, H, W)
        NDArray t = hookTokenMixer.apply(n, AvgPoolExcludePad.apply(n, poolSize).sub(n));
        x = residual(ps, x, resScale1, layerScale1, t, training);
        NDArray m = norm2.forward(ps, new NDList(x), training).head(); // (B, C, H, W)
        m = hookMlp.apply(m, mlp.forward(ps, new NDList(m), training).head()); // (B, C, H, W)
        return new NDList(residual(ps, x, resScale2, layerScale2, m, training));
    }

    /** res_scale(x) + layer_scale(drop_path(branch)), each scale the identity when absent. */
    private NDArray residual(
            ParameterStore ps,
            NDArray x,
            Scale res,
            Scale layer,
            NDArray branch,
            boolean training) {
        NDArray b = DropPath.apply(branch, dropPath, training);
        if (layer != null) {
            b = layer.forward(ps, new NDList(b), training).head();
        }
        NDArray r = res == null ? x : res.forward(ps, new NDList(x), training).head();
        return r.add(b);
    }

    /** Dropout, skipped (no native call) at inference or at rate 0, where it is the identity. */
    static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0f ? Dropout.dropout(x, rate, training).head() : x;
    }

    /**
     * @return the pooling window edge
     */
    public int getPoolSize() {
        return poolSize;
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookTokenMixer, hookMlp);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputs[0]);
        }
    }
}
