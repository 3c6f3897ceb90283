package ai.mlpzoo.config;

import ai.mlpzoo.blocks.timeseries.patchtsmixer.MlpNorm;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.PatchTsMixer;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.Scaling;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * PatchTSMixer (IBM's TSMixer, Ekambaram et al. 2023, arXiv:2306.09364) as Hugging Face's {@code
 * PatchTSMixerConfig}: every field under its Hugging Face name and default, so that a checkpoint's
 * {@code config.json} (what {@code save_pretrained} writes) binds as it is.
 *
 * <p>Fields the prediction path ignores are kept, so that a config round-trips: the masking fields,
 * {@code num_targets}, {@code output_range}, {@code head_aggregation}, {@code init_std}, {@code
 * post_init}, {@code num_parallel_samples}, {@code distribution_output}. {@code loss} must be
 * {@code mse} ({@code nll} makes the head emit distribution parameters, not supported). {@code
 * scaling} may be "std", "mean", true (std, as the model's code reads it), false or null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PatchTsMixerConfig implements ForecastConfig {

    /** The {@code model_type} of this family, Hugging Face's. */
    public static final String MODEL_TYPE = "patchtsmixer";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    // Written by save_pretrained into every config.json; descriptive only.
    @JsonProperty("architectures")
    public List<String> architectures;

    @JsonProperty("torch_dtype")
    public String torchDtype;

    @JsonProperty("transformers_version")
    public String transformersVersion;

    // Time series specific configuration
    @JsonProperty("context_length")
    public int contextLength = 32;

    @JsonProperty("patch_length")
    public int patchLength = 8;

    @JsonProperty("num_input_channels")
    public int numInputChannels = 1;

    @JsonProperty("patch_stride")
    public int patchStride = 8;

    @JsonProperty("num_parallel_samples")
    public int numParallelSamples = 100;

    /** Computed by Hugging Face from the lengths and saved; checked against them when present. */
    @JsonProperty("num_patches")
    public Integer numPatches;

    // General model configuration
    @JsonProperty("d_model")
    public int dModel = 8;

    @JsonProperty("expansion_factor")
    public int expansionFactor = 2;

    @JsonProperty("num_layers")
    public int numLayers = 3;

    @JsonProperty("dropout")
    public double dropout = 0.2;

    @JsonProperty("mode")
    public String mode = "common_channel";

    @JsonProperty("gated_attn")
    public boolean gatedAttn = true;

    @JsonProperty("norm_mlp")
    public String normMlp = "LayerNorm";

    @JsonProperty("self_attn")
    public boolean selfAttn;

    @JsonProperty("self_attn_heads")
    public int selfAttnHeads = 1;

    @JsonProperty("use_positional_encoding")
    public boolean usePositionalEncoding;

    @JsonProperty("positional_encoding_type")
    public String positionalEncodingType = "sincos";

    /** "std", "mean", true (std), false or null (none). */
    @JsonProperty("scaling")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public Object scaling = "std";

    @JsonProperty("loss")
    public String loss = "mse";

    @JsonProperty("init_std")
    public double initStd = 0.02;

    @JsonProperty("post_init")
    public boolean postInit;

    @JsonProperty("norm_eps")
    public double normEps = 1e-5;

    // Pretrain (masking) configuration, ignored by forecasting
    @JsonProperty("mask_type")
    public String maskType = "random";

    @JsonProperty("random_mask_ratio")
    public double randomMaskRatio = 0.5;

    @JsonProperty("num_forecast_mask_patches")
    public JsonNode numForecastMaskPatches;

    @JsonProperty("mask_value")
    public double maskValue;

    @JsonProperty("masked_loss")
    public boolean maskedLoss = true;

    @JsonProperty("channel_consistent_masking")
    public boolean channelConsistentMasking = true;

    @JsonProperty("patch_last")
    public boolean patchLast = true;

    @JsonProperty("unmasked_channel_indices")
    public JsonNode unmaskedChannelIndices;

    // General head configuration
    @JsonProperty("head_dropout")
    public double headDropout = 0.2;

    @JsonProperty("distribution_output")
    public String distributionOutput = "student_t";

    // Prediction head configuration
    @JsonProperty("prediction_length")
    public int predictionLength = 16;

    @JsonProperty("prediction_channel_indices")
    public int[] predictionChannelIndices;

    // Classification/regression configuration, ignored by forecasting
    @JsonProperty("num_targets")
    public int numTargets = 3;

    @JsonProperty("output_range")
    public JsonNode outputRange;

    @JsonProperty("head_aggregation")
    public String headAggregation = "max_pool";

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public PatchTsMixerConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public PatchTsMixer toBlock() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        if (loss != null && !"mse".equals(loss)) {
            throw new ConfigException(
                    "field 'loss' is \""
                            + loss
                            + "\": only \"mse\" (a point forecast) is supported; \"nll\" makes the"
                            + " head emit distribution parameters");
        }
        return ConfigException.fromBuilder(
                () -> {
                    if (patchLength > 0 && patchStride > 0 && numPatches != null) {
                        int expected =
                                PatchTsMixer.numPatches(contextLength, patchLength, patchStride);
                        if (numPatches != expected) {
                            throw new IllegalArgumentException(
                                    "field 'num_patches' is "
                                            + numPatches
                                            + " but context_length "
                                            + contextLength
                                            + ", patch_length "
                                            + patchLength
                                            + " and patch_stride "
                                            + patchStride
                                            + " make "
                                            + expected
                                            + " patches; fix the lengths or drop num_patches");
                        }
                    }
                    // a lower bound of the weights, checked before anything is built: per layer the
                    // feature and patch MLPs (2 x n x n x expansion each), then the head
                    double patches =
                            patchStride > 0 ? Math.max(contextLength, 0) / (double) patchStride : 0;
                    double perLayer =
                            2.0 * expansionFactor * ((double) dModel * dModel + patches * patches);
                    Configs.checkFits(
                            perLayer * Math.max(numLayers, 0) + patches * dModel * predictionLength,
                            "d_model "
                                    + dModel
                                    + ", num_layers "
                                    + numLayers
                                    + ", context_length "
                                    + contextLength
                                    + ", patch_stride "
                                    + patchStride);
                    return PatchTsMixer.builder()
                            .contextLength(contextLength)
                            .patchLength(patchLength)
                            .patchStride(patchStride)
                            .numInputChannels(numInputChannels)
                            .dModel(dModel)
                            .expansionFactor(expansionFactor)
                            .numLayers(numLayers)
                            .dropout((float) dropout)
                            .mode(PatchTsMixer.Mode.parse(mode))
                            .gatedAttn(gatedAttn)
                            .normMlp(MlpNorm.parse(normMlp))
                            .selfAttn(selfAttn)
                            .selfAttnHeads(selfAttnHeads)
                            .usePositionalEncoding(usePositionalEncoding)
                            .positionalEncodingType(positionalEncodingType)
                            .scaling(Scaling.parse(scaling))
                            .normEps(normEps)
                            .headDropout((float) headDropout)
                            .predictionLength(predictionLength)
                            .predictionChannelIndices(predictionChannelIndices)
                            .build();
                });
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
        return numInputChannels;
    }

    @Override
    public int outputChannels() {
        return predictionChannelIndices == null
                ? numInputChannels
                : predictionChannelIndices.length;
    }

    @Override
    public String toString() {
        return "patchtsmixer(L="
                + contextLength
                + ", patch="
                + patchLength
                + "/"
                + patchStride
                + ", d_model="
                + dModel
                + ", layers="
                + numLayers
                + ", H="
                + predictionLength
                + ", C="
                + numInputChannels
                + ", "
                + mode
                + ")";
    }
}
