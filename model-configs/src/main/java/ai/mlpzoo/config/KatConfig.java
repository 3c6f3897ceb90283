package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.kan.RationalInit;
import ai.mlpzoo.blocks.kat.KatVisionTransformer;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * KAT, the Kolmogorov-Arnold Transformer (Yang and Wang 2024, arXiv:2409.10594), as the keyword
 * arguments of the reference's {@code KATVisionTransformer} under timm's names, so that a timm
 * {@code config.json}'s {@code model_args} apply as they are. The registered models ({@code
 * kat_{tiny,small,base}_patch16_224}) fix {@code act_init} 'swish'; their {@code *_gelu_*} twins
 * use 'gelu'. Supported: class-token pooling, qkv bias, no LayerScale (the registered models'
 * settings).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KatConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "kat";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("img_size")
    public int imgSize = 224;

    @JsonProperty("patch_size")
    public int patchSize = 16;

    @JsonProperty("in_chans")
    public int inChans = 3;

    @JsonProperty("num_classes")
    public int numClasses = 1000;

    @JsonProperty("embed_dim")
    public int embedDim = 768;

    @JsonProperty("depth")
    public int depth = 12;

    @JsonProperty("num_heads")
    public int numHeads = 12;

    @JsonProperty("mlp_ratio")
    public double mlpRatio = 4.0;

    @JsonProperty("qkv_bias")
    public boolean qkvBias = true;

    @JsonProperty("class_token")
    public boolean classToken = true;

    @JsonProperty("global_pool")
    public String globalPool = "token";

    /** The GR-KANs' second rational's initial function: "swish" or "gelu". */
    @JsonProperty("act_init")
    public String actInit = "swish";

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public KatConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public KatVisionTransformer toBlock() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        if (!qkvBias) {
            throw new ConfigException(
                    "field 'qkv_bias' must be true (the registered KAT models'); false is not"
                            + " supported");
        }
        if (!classToken || !"token".equals(globalPool)) {
            throw new ConfigException(
                    "field 'global_pool' must be \"token\" with class_token true (the registered"
                            + " KAT models'), got \""
                            + globalPool
                            + "\", class_token "
                            + classToken);
        }
        RationalInit init = KanConfigs.rationalInit(actInit, "act_init");
        KatVisionTransformer block =
                ConfigException.fromBuilder(
                        () ->
                                new KatVisionTransformer(
                                        imgSize,
                                        patchSize,
                                        inChans,
                                        numClasses,
                                        embedDim,
                                        depth,
                                        numHeads,
                                        mlpRatio,
                                        init));
        Configs.checkFits(
                (double) depth * embedDim * embedDim * (4 + 2 * mlpRatio),
                "embed_dim " + embedDim + ", depth " + depth);
        return block;
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    @Override
    public String toString() {
        return "kat("
                + (name == null ? "" : name + ", ")
                + "D="
                + embedDim
                + ", depth="
                + depth
                + ", heads="
                + numHeads
                + ")";
    }
}
