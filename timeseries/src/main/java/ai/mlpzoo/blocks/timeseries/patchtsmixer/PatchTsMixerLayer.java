package ai.mlpzoo.blocks.timeseries.patchtsmixer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One PatchTSMixer layer ({@code PatchTSMixerLayer}): the channel mixer ({@code mix_channel} mode
 * only), then the patch mixer, then the feature mixer, on (B, C, P, d_model).
 *
 * <p>Children {@code channel_feature_mixer} (if any), {@code patch_mixer}, {@code feature_mixer}.
 */
public class PatchTsMixerLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final PatchTsMixerBlock channelMixer;
    private final PatchTsMixerBlock patchMixer;
    private final PatchTsMixerBlock featureMixer;

    /**
     * Creates the layer.
     *
     * @param channelMixer the channel mixer, or null in {@code common_channel} mode
     * @param patchMixer the patch mixer
     * @param featureMixer the feature mixer
     */
    public PatchTsMixerLayer(
            PatchTsMixerBlock channelMixer,
            PatchTsMixerBlock patchMixer,
            PatchTsMixerBlock featureMixer) {
        super(VERSION);
        this.channelMixer =
                channelMixer == null ? null : addChildBlock("channel_feature_mixer", channelMixer);
        this.patchMixer = addChildBlock("patch_mixer", patchMixer);
        this.featureMixer = addChildBlock("feature_mixer", featureMixer);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList h = inputs; // (B, C, P, D) throughout
        if (channelMixer != null) {
            h = channelMixer.forward(ps, h, training);
        }
        h = patchMixer.forward(ps, h, training);
        return featureMixer.forward(ps, h, training);
    }

    /**
     * @return the channel mixer, or null
     */
    public PatchTsMixerBlock getChannelMixer() {
        return channelMixer;
    }

    /**
     * @return the patch mixer
     */
    public PatchTsMixerBlock getPatchMixer() {
        return patchMixer;
    }

    /**
     * @return the feature mixer
     */
    public PatchTsMixerBlock getFeatureMixer() {
        return featureMixer;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        if (channelMixer != null) {
            channelMixer.initialize(manager, dataType, inputs[0]);
        }
        patchMixer.initialize(manager, dataType, inputs[0]);
        featureMixer.initialize(manager, dataType, inputs[0]);
    }
}
