package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.metaformer.ConvMlp;
import ai.mlpzoo.blocks.metaformer.MetaFormer;
import ai.mlpzoo.blocks.metaformer.NormType;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;

/**
 * The architecture of a PoolFormer, timm's {@code MetaFormer} with pooling as the token mixer, as
 * timm's arguments (snake_case JSON, the names of timm's {@code model_args}); the shipped variants
 * are timm's {@code poolformer_*} (v1: GroupNorm1, GELU, biases, layer scale, no stem norm) and
 * {@code poolformerv2_*} (GroupNorm1NoBias, StarReLU, no biases, res scales in the last two stages,
 * LayerNorm2dNoBias in the stem and the downsampling layers). Unset fields take the defaults of
 * timm's {@code MetaFormer}. {@code img_size} is not a timm argument (the network takes any size):
 * it is the size the model is initialised, exported and fed at (the translator resizes to it).
 *
 * <p>Not supported, and refused by name: {@code token_mixers} other than {@code pooling}, {@code
 * use_mlp_head} true (no PoolFormer uses the MLP head). The rules on the values live in {@link
 * MetaFormer.Builder}; {@link #validate()} runs them, so each rule and its message exist once.
 */
public class MetaFormerConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "metaformer";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    /** The image edge the model is initialised and fed at (not a timm argument). */
    @JsonProperty("img_size")
    public int imgSize = 224;

    @JsonProperty("in_chans")
    public int inChans = 3;

    @JsonProperty("num_classes")
    public int numClasses = 1000;

    @JsonProperty("depths")
    public int[] depths = {2, 2, 6, 2};

    @JsonProperty("dims")
    public int[] dims = {64, 128, 320, 512};

    /** The token mixer of every stage: only {@code pooling} (PoolFormer). */
    @JsonProperty("token_mixers")
    public String tokenMixers = "pooling";

    /** The pooling window (timm's {@code Pooling(pool_size=3)}). */
    @JsonProperty("pool_size")
    public int poolSize = 3;

    /** {@code gelu} (v1) or {@code star_relu} (v2, MetaFormer's default). */
    @JsonProperty("mlp_act")
    public String mlpAct = "star_relu";

    @JsonProperty("mlp_bias")
    public boolean mlpBias;

    /** The blocks' norms: group_norm1 (v1), group_norm1_no_bias (v2), layer_norm2d(_no_bias). */
    @JsonProperty("norm_layers")
    public String normLayers = "layer_norm2d_no_bias";

    /** The stem's and downsampling layers' norm; {@code none} or null for none (v1). */
    @JsonProperty("downsample_norm")
    public String downsampleNorm = "layer_norm2d_no_bias";

    /** One value for every stage or one per stage; null (or a null entry) for no layer scale. */
    @JsonProperty("layer_scale_init_values")
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    public Double[] layerScaleInitValues;

    /** As layer_scale_init_values, for the res scales; MetaFormer's default (null, null, 1, 1). */
    @JsonProperty("res_scale_init_values")
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    public Double[] resScaleInitValues = {null, null, 1.0, 1.0};

    /** Only false: PoolFormer's head is a single Linear. */
    @JsonProperty("use_mlp_head")
    public boolean useMlpHead;

    @JsonProperty("drop_rate")
    public double dropRate;

    @JsonProperty("proj_drop_rate")
    public double projDropRate;

    @JsonProperty("drop_path_rate")
    public double dropPathRate;

    /**
     * Checks every field by building the block; the first failure's message names the field.
     *
     * @return this
     * @throws ConfigException when a value is impossible
     */
    @Override
    public MetaFormerConfig validate() {
        toBlock();
        return this;
    }

    /**
     * Builds the model block with timm's initialisers attached (not yet initialised).
     *
     * @return the block
     * @throws ConfigException naming the first bad field
     */
    @Override
    public MetaFormer toBlock() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        if (!"pooling".equalsIgnoreCase(tokenMixers)) {
            throw new ConfigException(
                    "field 'token_mixers': only 'pooling' (PoolFormer) is supported, got '"
                            + tokenMixers
                            + "'");
        }
        if (useMlpHead) {
            throw new ConfigException(
                    "field 'use_mlp_head': only false (a Linear head, as every PoolFormer) is"
                            + " supported");
        }
        checkFits();
        return ConfigException.fromBuilder(
                () ->
                        MetaFormer.builder()
                                .setStages(depths, dims)
                                .optImageSize(imgSize)
                                .optInChannels(inChans)
                                .optNumClasses(numClasses)
                                .optPoolSize(poolSize)
                                .optMlpAct(ConvMlp.Act.parse(mlpAct))
                                .optMlpBias(mlpBias)
                                .optNormLayer(NormType.parse(normLayers, "norm_layers"))
                                .optDownsampleNorm(
                                        downsampleNorm == null
                                                        || "none".equalsIgnoreCase(downsampleNorm)
                                                ? null
                                                : NormType.parse(downsampleNorm, "downsample_norm"))
                                .optLayerScaleInitValues(layerScaleInitValues)
                                .optResScaleInitValues(resScaleInitValues)
                                .optDropRate((float) dropRate)
                                .optProjDropRate((float) projDropRate)
                                .optDropPathRate((float) dropPathRate)
                                .build());
    }

    /** Refuses sizes this JVM cannot hold (a lower bound: the MLPs, 8 C^2 per block), unbuilt. */
    private void checkFits() {
        if (depths == null || dims == null || depths.length != dims.length) {
            return; // the builder names the field
        }
        double params = 0;
        for (int s = 0; s < depths.length; s++) {
            params += 8.0 * Math.max(0, depths[s]) * dims[s] * (double) dims[s];
        }
        Configs.checkFits(
                params,
                String.format(
                        Locale.ROOT,
                        "fields depths=%s, dims=%s",
                        Arrays.toString(depths),
                        Arrays.toString(dims)));
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s(metaformer, depths=%s, dims=%s, norm=%s, act=%s, img=%d, classes=%d)",
                name,
                Arrays.toString(depths),
                Arrays.toString(dims),
                normLayers,
                mlpAct,
                imgSize,
                numClasses);
    }
}
