package ai.mlpzoo.blocks.timeseries.tsmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.kan.BaseActivation;

/**
 * Feature mixing of Google's TSMixer (Chen et al. 2023, arXiv:2303.06053, section 4.1), as
 * torchtsmixer's {@code FeatureMixing}: a two-layer MLP over the channels of each time step with a
 * residual connection, {@code x = projection(x) + drop(fc2(drop(act(fc1(norm_before(x))))))}, then
 * {@code norm_after} when the norm is not placed before. The residual takes the un-normalised x,
 * through {@code projection} (Linear(C_in, C_out)) only where the channel count changes.
 *
 * <p>Children {@code projection} (if C_in != C_out), {@code norm_before} or {@code norm_after},
 * {@code fc1}, {@code fc2}. Shapes: (B, S, C_in) to (B, S, C_out).
 */
public class FeatureMixing extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int steps;
    private final int inChannels;
    private final int outChannels;
    private final int ffDim;
    private final BaseActivation act;
    private final float dropout;
    private final Linear projection;
    private final Block normBefore;
    private final Linear fc1;
    private final Linear fc2;
    private final Block normAfter;

    /**
     * Creates the block.
     *
     * @param steps S
     * @param inChannels C_in
     * @param outChannels C_out
     * @param ffDim the MLP's hidden width
     * @param act the activation
     * @param dropout the dropout rate while training
     * @param normalizeBefore norm before the MLP (true) or after the residual (false)
     * @param normType the norm
     */
    public FeatureMixing(
            int steps,
            int inChannels,
            int outChannels,
            int ffDim,
            BaseActivation act,
            float dropout,
            boolean normalizeBefore,
            TsMixerNorm.Type normType) {
        super(VERSION);
        this.steps = steps;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.ffDim = ffDim;
        this.act = act;
        this.dropout = dropout;
        projection =
                inChannels != outChannels
                        ? addChildBlock(
                                "projection", Linear.builder().setUnits(outChannels).build())
                        : null;
        normBefore =
                normalizeBefore
                        ? addChildBlock(
                                "norm_before", TsMixerNorm.create(normType, steps, inChannels))
                        : null;
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(ffDim).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(outChannels).build());
        normAfter =
                normalizeBefore
                        ? null
                        : addChildBlock(
                                "norm_after", TsMixerNorm.create(normType, steps, outChannels));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, S, C_in)
        NDArray p =
                projection == null
                        ? x
                        : projection.forward(ps, new NDList(x), training).head(); // (B, S, C_out)
        NDArray h = normBefore == null ? x : TsMixerNorm.apply(normBefore, ps, x, training);
        h = fc1.forward(ps, new NDList(h), training).head(); // (B, S, ff_dim)
        h = TsMixer.dropout(act.apply(h), dropout, training);
        h = fc2.forward(ps, new NDList(h), training).head(); // (B, S, C_out)
        h = p.add(TsMixer.dropout(h, dropout, training)); // (B, S, C_out)
        return new NDList(normAfter == null ? h : TsMixerNorm.apply(normAfter, ps, h, training));
    }

    /**
     * @return S, the window length
     */
    public int getSteps() {
        return steps;
    }

    /**
     * @return C_in
     */
    public int getInChannels() {
        return inChannels;
    }

    /**
     * @return C_out
     */
    public int getOutChannels() {
        return outChannels;
    }

    /**
     * @return the residual's Linear(C_in, C_out), or null where C_in == C_out
     */
    public Linear getProjection() {
        return projection;
    }

    /**
     * @return the norm before the MLP, or null
     */
    public Block getNormBefore() {
        return normBefore;
    }

    /**
     * @return the norm after the residual, or null
     */
    public Block getNormAfter() {
        return normAfter;
    }

    /**
     * @return the first Linear (C_in to ff_dim)
     */
    public Linear getFc1() {
        return fc1;
    }

    /**
     * @return the second Linear (ff_dim to C_out)
     */
    public Linear getFc2() {
        return fc2;
    }

    /**
     * @return the activation
     */
    public BaseActivation getActivation() {
        return act;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), outChannels)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        Shape in = new Shape(b, steps, inChannels);
        Shape out = new Shape(b, steps, outChannels);
        if (projection != null) {
            projection.initialize(manager, dataType, in);
        }
        if (normBefore != null) {
            normBefore.initialize(manager, dataType, TsMixerNorm.initShape(normBefore, in));
        }
        fc1.initialize(manager, dataType, in);
        fc2.initialize(manager, dataType, new Shape(b, steps, ffDim));
        if (normAfter != null) {
            normAfter.initialize(manager, dataType, TsMixerNorm.initShape(normAfter, out));
        }
    }
}
