package ai.mlpzoo.blocks.timeseries.patchtsmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.timeseries.Forecaster;
import ai.mlpzoo.blocks.timeseries.WindowCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * PatchTSMixer, IBM's TSMixer (Ekambaram, Jati, Nguyen, Sinthong, Kalagnanam, "TSMixer: Lightweight
 * MLP-Mixer Model for Multivariate Time Series Forecasting", KDD 2023, arXiv:2306.09364), as
 * Hugging Face's {@code PatchTSMixerForPrediction} (transformers 4.50): the window is scaled per
 * sample and channel ({@link Scaling}), cut into patches, each patch embedded by a Linear ({@code
 * patcher}), optionally given a positional encoding, mixed by {@code num_layers} layers of patch,
 * feature and (in {@code mix_channel} mode) channel mixers, and the flattened patches of each
 * channel are mapped to the horizon by a Linear head; the forecast is scaled back.
 *
 * <p>Children (Hugging Face's state-dict names): {@code model.encoder.patcher}, {@code
 * model.encoder.positional_encoder} (if used), {@code model.encoder.mlp_mixer_encoder.mixers.i},
 * {@code head.base_forecast_block}. Shapes: NDList(values (B, context_length, num_input_channels))
 * to NDList(forecast (B, prediction_length, C_out)), C_out the number of {@code
 * prediction_channel_indices} when set. The forward trusts its input; entry points call {@link
 * #checkInput} once.
 */
public class PatchTsMixer extends AbstractBlock implements Forecaster {

    private static final byte VERSION = 1;

    /** How channels are treated: Hugging Face's {@code mode}. */
    public enum Mode {
        /** Channels independent, sharing the weights. */
        COMMON_CHANNEL,
        /** A channel mixer in every layer. */
        MIX_CHANNEL;

        /**
         * Parses {@code mode}.
         *
         * @param name "common_channel" or "mix_channel"
         * @return the mode
         * @throws IllegalArgumentException naming the field and the values it takes
         */
        public static Mode parse(String name) {
            if (name != null) {
                for (Mode m : values()) {
                    if (m.id().equals(name.toLowerCase(Locale.ROOT))) {
                        return m;
                    }
                }
            }
            throw new IllegalArgumentException(
                    "field 'mode' must be \"common_channel\" or \"mix_channel\", got "
                            + (name == null ? "null" : "\"" + name + "\""));
        }

        /**
         * @return the config spelling
         */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int contextLength;
    private final int patchLength;
    private final int patchStride;
    private final int numPatches;
    private final int channels;
    private final int dModel;
    private final int predictionLength;
    private final float headDropout;
    private final Scaling scaling;
    private final int[] predictionChannels;
    private final Linear patcher;
    private final PositionalEncoding positional;
    private final List<PatchTsMixerLayer> layers = new ArrayList<>();
    private final Linear head;

    PatchTsMixer(Builder b) {
        super(VERSION);
        contextLength = Checks.positive(b.contextLength, "context_length");
        patchLength = Checks.positive(b.patchLength, "patch_length");
        patchStride = Checks.positive(b.patchStride, "patch_stride");
        if (contextLength <= patchLength) {
            throw new IllegalArgumentException(
                    "field 'context_length' ("
                            + contextLength
                            + ") must be larger than field 'patch_length' ("
                            + patchLength
                            + "): the model reads whole patches of the window");
        }
        numPatches = numPatches(contextLength, patchLength, patchStride);
        channels = Checks.positive(b.numInputChannels, "num_input_channels");
        dModel = Checks.positive(b.dModel, "d_model");
        Checks.positive(b.expansionFactor, "expansion_factor");
        Checks.positive(b.numLayers, "num_layers");
        predictionLength = Checks.positive(b.predictionLength, "prediction_length");
        Checks.probability(b.dropout, "dropout");
        headDropout = Checks.probability(b.headDropout, "head_dropout");
        Checks.positive(b.normEps, "norm_eps");
        scaling = Objects.requireNonNull(b.scaling, "scaling");
        Objects.requireNonNull(b.mode, "mode");
        Objects.requireNonNull(b.normMlp, "norm_mlp");
        if (b.selfAttn) {
            Checks.positive(b.selfAttnHeads, "self_attn_heads");
            Checks.divides(b.selfAttnHeads, "self_attn_heads", dModel, "d_model");
        }
        predictionChannels = sortedChannels(b.predictionChannelIndices, channels);

        patcher = addChildBlock("model.encoder.patcher", Linear.builder().setUnits(dModel).build());
        positional =
                b.usePositionalEncoding
                        ? addChildBlock(
                                "model.encoder.positional_encoder",
                                new PositionalEncoding(
                                        numPatches, dModel, b.positionalEncodingType))
                        : null;
        for (int i = 0; i < b.numLayers; i++) {
            PatchTsMixerBlock channelMixer =
                    b.mode == Mode.MIX_CHANNEL
                            ? mixer(b, PatchTsMixerBlock.Axis.CHANNEL, channels, 0)
                            : null;
            layers.add(
                    addChildBlock(
                            "model.encoder.mlp_mixer_encoder.mixers." + i,
                            new PatchTsMixerLayer(
                                    channelMixer,
                                    mixer(
                                            b,
                                            PatchTsMixerBlock.Axis.PATCH,
                                            numPatches,
                                            b.selfAttn ? b.selfAttnHeads : 0),
                                    mixer(b, PatchTsMixerBlock.Axis.FEATURE, dModel, 0))));
        }
        head =
                addChildBlock(
                        "head.base_forecast_block",
                        Linear.builder().setUnits(predictionLength).build());
    }

    private PatchTsMixerBlock mixer(Builder b, PatchTsMixerBlock.Axis axis, int size, int heads) {
        return new PatchTsMixerBlock(
                axis,
                size,
                dModel,
                b.expansionFactor,
                b.dropout,
                b.gatedAttn,
                b.normMlp,
                b.normEps,
                heads);
    }

    /**
     * The reference's patch count: (max(L, P) - P) // S + 1.
     *
     * @param context L
     * @param patch P
     * @param stride S
     * @return the number of patches
     */
    public static int numPatches(int context, int patch, int stride) {
        return (Math.max(context, patch) - patch) / stride + 1;
    }

    /** prediction_channel_indices, sorted as the reference's head sorts them (in place). */
    private static int[] sortedChannels(int[] indices, int channels) {
        if (indices == null) {
            return null;
        }
        if (indices.length == 0) {
            throw new IllegalArgumentException(
                    "field 'prediction_channel_indices' is empty: give channel indices or null");
        }
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        for (int i : sorted) {
            if (i < 0 || i >= channels) {
                throw new IllegalArgumentException(
                        "field 'prediction_channel_indices' holds "
                                + i
                                + ", not a channel of field 'num_input_channels' ("
                                + channels
                                + "): indices run from 0 to "
                                + (channels - 1));
            }
        }
        return sorted;
    }

    /**
     * Creates a builder, with Hugging Face's {@code PatchTSMixerConfig} defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray forecast = forwardIntermediates(ps, inputs.head(), training).head();
        forecast.setName("output"); // what predict writes, as every model's first output
        return new NDList(forecast);
    }

    /**
     * The forward with the reference's intermediate outputs.
     *
     * @param ps the parameter store
     * @param values (B, context_length, C)
     * @param training whether training
     * @return NDList named {@code prediction_outputs} (B, H, C_out), {@code last_hidden_state} (B,
     *     C, P, d_model), {@code loc} and {@code scale} (B, 1, C), {@code patch_input} (B, C, P,
     *     patch_length)
     */
    public NDList forwardIntermediates(ParameterStore ps, NDArray values, boolean training) {
        NDList scaled = scaling.apply(values);
        NDArray x = scaled.get(0); // (B, L, C)
        NDArray loc = scaled.get(1); // (B, 1, C)
        NDArray scale = scaled.get(2); // (B, 1, C)
        NDArray patches = patchify(x); // (B, C, P, patch_length)
        NDArray h = patcher.forward(ps, new NDList(patches), training).head(); // (B, C, P, D)
        if (positional != null) {
            h = positional.forward(ps, new NDList(h), training).head(); // (B, C, P, D)
        }
        for (PatchTsMixerLayer layer : layers) {
            h = layer.forward(ps, new NDList(h), training).head(); // (B, C, P, D)
        }
        Shape s = h.getShape();
        NDArray flat = h.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)); // (B, C, P*D)
        if (training && headDropout > 0f) {
            flat = Dropout.dropout(flat, headDropout, true).head();
        }
        NDArray y = head.forward(ps, new NDList(flat), training).head(); // (B, C, H)
        y = y.transpose(0, 2, 1); // (B, H, C)
        NDArray keptLoc = loc;
        NDArray keptScale = scale;
        if (predictionChannels != null) {
            y = channels(y, predictionChannels); // (B, H, C_out)
            keptLoc = channels(loc, predictionChannels); // (B, 1, C_out)
            keptScale = channels(scale, predictionChannels); // (B, 1, C_out)
        }
        NDArray out = y.mul(keptScale).add(keptLoc); // (B, H, C_out)
        out.setName("prediction_outputs");
        h.setName("last_hidden_state");
        loc.setName("loc");
        scale.setName("scale");
        patches.setName("patch_input");
        return new NDList(out, h, loc, scale, patches);
    }

    /** The windows' patches: (B, L, C) to (B, C, P, patch_length), the first steps dropped. */
    NDArray patchify(NDArray x) {
        int start = contextLength - (patchLength + patchStride * (numPatches - 1));
        NDArray t = x.transpose(0, 2, 1); // (B, C, L)
        long b = t.getShape().get(0);
        if (patchStride == patchLength) {
            NDArray kept = t.get(new NDIndex(":, :, {}:", start)); // (B, C, P*patch_length)
            return kept.reshape(b, channels, numPatches, patchLength);
        }
        NDList parts = new NDList();
        for (int i = 0; i < numPatches; i++) {
            int from = start + i * patchStride;
            parts.add(t.get(new NDIndex(":, :, {}:{}", from, from + patchLength))); // (B, C, len)
        }
        return NDArrays.stack(parts, 2); // (B, C, P, patch_length)
    }

    private static NDArray channels(NDArray a, int[] kept) {
        NDList parts = new NDList();
        for (int c : kept) {
            parts.add(a.get(new NDIndex(":, :, {}:{}", c, c + 1)));
        }
        return parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 2);
    }

    /**
     * Checks a batch of windows: (batch, context_length, num_input_channels), finite.
     *
     * @param values the input
     * @throws IllegalArgumentException naming the shape the model takes, or the NaN
     */
    @Override
    public void checkInput(NDArray values) {
        WindowCheck.check("PatchTSMixer", values, contextLength, channels);
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public int horizon() {
        return predictionLength;
    }

    @Override
    public int inputChannels() {
        return channels;
    }

    @Override
    public int outputChannels() {
        return predictionChannels == null ? channels : predictionChannels.length;
    }

    /**
     * @return the patch count
     */
    public int getNumPatches() {
        return numPatches;
    }

    /**
     * @return the patch length
     */
    public int getPatchLength() {
        return patchLength;
    }

    /**
     * @return the patch stride
     */
    public int getPatchStride() {
        return patchStride;
    }

    /**
     * @return d_model
     */
    public int getDModel() {
        return dModel;
    }

    /**
     * @return the input scaling
     */
    public Scaling getScaling() {
        return scaling;
    }

    /**
     * @return the forecast's channels, sorted, or null for all
     */
    public int[] getPredictionChannels() {
        return predictionChannels == null ? null : predictionChannels.clone();
    }

    /**
     * @return the patch embedding
     */
    public Linear getPatcher() {
        return patcher;
    }

    /**
     * @return the positional encoding, or null
     */
    public PositionalEncoding getPositionalEncoding() {
        return positional;
    }

    /**
     * @return the layers
     */
    public List<PatchTsMixerLayer> getLayers() {
        return Collections.unmodifiableList(layers);
    }

    /**
     * @return the head's Linear
     */
    public Linear getHead() {
        return head;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), predictionLength, outputChannels())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        patcher.initialize(manager, dataType, new Shape(b, channels, numPatches, patchLength));
        Shape hidden = new Shape(b, channels, numPatches, dModel);
        if (positional != null) {
            positional.initialize(manager, dataType, hidden);
        }
        for (PatchTsMixerLayer layer : layers) {
            layer.initialize(manager, dataType, hidden);
        }
        head.initialize(manager, dataType, new Shape(b, channels, (long) numPatches * dModel));
    }

    /** The arguments, with Hugging Face's {@code PatchTSMixerConfig} defaults. */
    public static final class Builder {
        int contextLength = 32;
        int patchLength = 8;
        int patchStride = 8;
        int numInputChannels = 1;
        int dModel = 8;
        int expansionFactor = 2;
        int numLayers = 3;
        float dropout = 0.2f;
        Mode mode = Mode.COMMON_CHANNEL;
        boolean gatedAttn = true;
        MlpNorm normMlp = MlpNorm.LAYER;
        boolean selfAttn;
        int selfAttnHeads = 1;
        boolean usePositionalEncoding;
        String positionalEncodingType = "sincos";
        Scaling scaling = Scaling.STD;
        double normEps = 1e-5;
        float headDropout = 0.2f;
        int predictionLength = 16;
        int[] predictionChannelIndices;

        Builder() {}

        /**
         * @param v the lookback
         * @return this
         */
        public Builder contextLength(int v) {
            contextLength = v;
            return this;
        }

        /**
         * @param v the steps per patch
         * @return this
         */
        public Builder patchLength(int v) {
            patchLength = v;
            return this;
        }

        /**
         * @param v the steps between patch starts
         * @return this
         */
        public Builder patchStride(int v) {
            patchStride = v;
            return this;
        }

        /**
         * @param v the input channels
         * @return this
         */
        public Builder numInputChannels(int v) {
            numInputChannels = v;
            return this;
        }

        /**
         * @param v the patch embedding width
         * @return this
         */
        public Builder dModel(int v) {
            dModel = v;
            return this;
        }

        /**
         * @param v the MLPs' expansion factor
         * @return this
         */
        public Builder expansionFactor(int v) {
            expansionFactor = v;
            return this;
        }

        /**
         * @param v the mixer layers
         * @return this
         */
        public Builder numLayers(int v) {
            numLayers = v;
            return this;
        }

        /**
         * @param v the mixers' dropout
         * @return this
         */
        public Builder dropout(float v) {
            dropout = v;
            return this;
        }

        /**
         * @param v common_channel or mix_channel
         * @return this
         */
        public Builder mode(Mode v) {
            mode = v;
            return this;
        }

        /**
         * @param v whether the mixers are gated
         * @return this
         */
        public Builder gatedAttn(boolean v) {
            gatedAttn = v;
            return this;
        }

        /**
         * @param v the mixers' norm
         * @return this
         */
        public Builder normMlp(MlpNorm v) {
            normMlp = v;
            return this;
        }

        /**
         * @param v whether the patch mixer has self-attention
         * @return this
         */
        public Builder selfAttn(boolean v) {
            selfAttn = v;
            return this;
        }

        /**
         * @param v the self-attention's heads
         * @return this
         */
        public Builder selfAttnHeads(int v) {
            selfAttnHeads = v;
            return this;
        }

        /**
         * @param v whether a positional encoding is added
         * @return this
         */
        public Builder usePositionalEncoding(boolean v) {
            usePositionalEncoding = v;
            return this;
        }

        /**
         * @param v "sincos" or "random", its initial value
         * @return this
         */
        public Builder positionalEncodingType(String v) {
            positionalEncodingType = v;
            return this;
        }

        /**
         * @param v the input scaling
         * @return this
         */
        public Builder scaling(Scaling v) {
            scaling = v;
            return this;
        }

        /**
         * @param v the norms' epsilon
         * @return this
         */
        public Builder normEps(double v) {
            normEps = v;
            return this;
        }

        /**
         * @param v the head's dropout
         * @return this
         */
        public Builder headDropout(float v) {
            headDropout = v;
            return this;
        }

        /**
         * @param v the horizon
         * @return this
         */
        public Builder predictionLength(int v) {
            predictionLength = v;
            return this;
        }

        /**
         * @param v the channels to forecast (sorted by the model), or null for all
         * @return this
         */
        public Builder predictionChannelIndices(int[] v) {
            predictionChannelIndices = v == null ? null : v.clone();
            return this;
        }

        /**
         * @return the model
         * @throws IllegalArgumentException naming the first bad field
         */
        public PatchTsMixer build() {
            return new PatchTsMixer(this);
        }
    }
}
