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
 * Time mixing of Google's TSMixer (Chen et al. 2023, arXiv:2303.06053, section 4.1), as
 * torchtsmixer's {@code TimeMixing}: one Linear(S, S) shared by the channels, applied along time,
 * then the activation and dropout, a residual connection and the norm: {@code x = norm(x +
 * drop(act(fc1(x^T))^T))}. The norm comes after the residual whatever {@code normalize_before} says
 * (torchtsmixer applies that flag to feature mixing only).
 *
 * <p>Children {@code fc1}, {@code norm}. Shapes: (B, S, C) to the same.
 */
public class TimeMixing extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int steps;
    private final int channels;
    private final BaseActivation act;
    private final float dropout;
    private final Linear fc1;
    private final Block norm;

    /**
     * Creates the block.
     *
     * @param steps S, the window length
     * @param channels C
     * @param act the activation
     * @param dropout the dropout rate while training
     * @param normType the norm
     */
    public TimeMixing(
            int steps, int channels, BaseActivation act, float dropout, TsMixerNorm.Type normType) {
        super(VERSION);
        this.steps = steps;
        this.channels = channels;
        this.act = act;
        this.dropout = dropout;
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(steps).build());
        norm = addChildBlock("norm", TsMixerNorm.create(normType, steps, channels));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, S, C)
        NDArray t = x.transpose(0, 2, 1); // (B, C, S)
        NDArray r = fc1.forward(ps, new NDList(t), training).head(); // (B, C, S)
        r = TsMixer.dropout(act.apply(r), dropout, training).transpose(0, 2, 1); // (B, S, C)
        return new NDList(TsMixerNorm.apply(norm, ps, x.add(r), training)); // (B, S, C)
    }

    /**
     * @return S, the window length
     */
    public int getSteps() {
        return steps;
    }

    /**
     * @return C, the channels
     */
    public int getChannels() {
        return channels;
    }

    /**
     * @return the time-axis Linear
     */
    public Linear getFc1() {
        return fc1;
    }

    /**
     * @return the norm ({@link ai.mlpzoo.blocks.timeseries.FeatureBatchNorm} over S*C or {@link
     *     ai.mlpzoo.blocks.timeseries.TrailingLayerNorm} over (S, C))
     */
    public Block getNorm() {
        return norm;
    }

    /**
     * @return the activation
     */
    public BaseActivation getActivation() {
        return act;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        fc1.initialize(manager, dataType, new Shape(b, channels, steps));
        norm.initialize(manager, dataType, TsMixerNorm.initShape(norm, inputs[0]));
    }
}
