package ai.mlpzoo.blocks.timeseries.tsmixer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One mixer layer of Google's TSMixer (Chen et al. 2023, arXiv:2303.06053, figure 1): time mixing,
 * then feature mixing, as torchtsmixer's {@code MixerLayer}.
 *
 * <p>Children {@code time_mixing}, {@code feature_mixing}. Shapes: (B, S, C_in) to (B, S, C_out).
 */
public class MixerLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final TimeMixing timeMixing;
    private final FeatureMixing featureMixing;

    /**
     * Creates the layer.
     *
     * @param timeMixing the time mixing, on C_in channels
     * @param featureMixing the feature mixing, C_in to C_out
     */
    public MixerLayer(TimeMixing timeMixing, FeatureMixing featureMixing) {
        super(VERSION);
        this.timeMixing = addChildBlock("time_mixing", timeMixing);
        this.featureMixing = addChildBlock("feature_mixing", featureMixing);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = timeMixing.forward(ps, inputs, training); // (B, S, C_in)
        return featureMixing.forward(ps, x, training); // (B, S, C_out)
    }

    /**
     * @return the time mixing
     */
    public TimeMixing getTimeMixing() {
        return timeMixing;
    }

    /**
     * @return the feature mixing
     */
    public FeatureMixing getFeatureMixing() {
        return featureMixing;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return featureMixing.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        timeMixing.initialize(manager, dataType, inputs[0]);
        featureMixing.initialize(manager, dataType, inputs[0]);
    }
}
