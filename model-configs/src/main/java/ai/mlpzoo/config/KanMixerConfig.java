package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.kan.KatMlp;
import ai.mlpzoo.blocks.kan.RationalInit;
import ai.mlpzoo.blocks.mixer.MixerBlock;
import ai.mlpzoo.blocks.mixer.MlpMixer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Locale;

/**
 * A KAN-Mixer: MLP-Mixer whose channel MLPs are KAT's group-rational {@link KatMlp} (rational,
 * linear, rational, linear), as KAT does for ViT. Token mixing stays a GELU MLP. The state-dict
 * names are timm's Mixer names, with {@code blocks.N.mlp_channels.{act1,fc1,act2,fc2}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KanMixerConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "kan_mixer";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("img_size")
    public int imgSize = 28;

    @JsonProperty("in_chans")
    public int inChans = 1;

    @JsonProperty("patch_size")
    public int patchSize = 4;

    @JsonProperty("num_blocks")
    public int numBlocks = 8;

    @JsonProperty("embed_dim")
    public int embedDim = 128;

    /** (token, channel) ratios, as timm's Mixer. */
    @JsonProperty("mlp_ratio")
    public double[] mlpRatio = {0.5, 4.0};

    @JsonProperty("num_classes")
    public int numClasses = 10;

    /** Rational groups of the channel MLPs (KAT: 8). */
    @JsonProperty("num_groups")
    public int numGroups = 8;

    /** The second rational's initial function (KAT: gelu). */
    @JsonProperty("act_init")
    public String actInit = "gelu";

    @JsonProperty("drop_rate")
    public double dropRate;

    @JsonProperty("proj_drop_rate")
    public double projDropRate;

    @JsonProperty("drop_path_rate")
    public double dropPathRate;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public KanMixerConfig validate() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        KanConfigs.positive(imgSize, "img_size");
        KanConfigs.positive(inChans, "in_chans");
        KanConfigs.positive(patchSize, "patch_size");
        KanConfigs.positive(numBlocks, "num_blocks");
        KanConfigs.positive(embedDim, "embed_dim");
        KanConfigs.positive(numClasses, "num_classes");
        KanConfigs.positive(numGroups, "num_groups");
        if (imgSize % patchSize != 0) {
            throw new ConfigException(
                    "field 'patch_size' (" + patchSize + ") does not divide field 'img_size' (" + imgSize + ")");
        }
        if (mlpRatio == null || mlpRatio.length != 2 || !(mlpRatio[0] > 0) || !(mlpRatio[1] > 0)) {
            throw new ConfigException(
                    "field 'mlp_ratio' must hold two positive numbers, got " + Arrays.toString(mlpRatio));
        }
        if (embedDim % numGroups != 0 || hidden() % numGroups != 0) {
            throw new ConfigException(
                    "field 'num_groups' (" + numGroups + ") must divide 'embed_dim' (" + embedDim
                            + ") and the channel MLP width (" + hidden() + ")");
        }
        try {
            RationalInit.parse(actInit);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("field 'act_init': " + e.getMessage(), e);
        }
        for (double r : new double[] {dropRate, projDropRate, dropPathRate}) {
            if (!(r >= 0 && r < 1)) {
                throw new ConfigException("drop rates must be in [0, 1), got " + r);
            }
        }
        return this;
    }

    private int hidden() {
        return (int) (mlpRatio[1] * embedDim);
    }

    @Override
    public MlpMixer toBlock() {
        validate();
        RationalInit init = RationalInit.parse(actInit);
        float drop = (float) projDropRate;
        float dropPath = (float) dropPathRate;
        int hidden = hidden();
        double tokenRatio = mlpRatio[0];
        return MlpMixer.builder()
                .setImageSize(imgSize)
                .setPatchSize(patchSize)
                .setEmbedDim(embedDim)
                .setNumBlocks(numBlocks)
                .optInChannels(inChans)
                .optNumClasses(numClasses)
                .optDropRate((float) dropRate)
                .setLayer(
                        (i, dim, seqLen) ->
                                new MixerBlock(
                                        dim,
                                        seqLen,
                                        tokenRatio,
                                        mlpRatio[1],
                                        1e-6,
                                        drop,
                                        dropPath,
                                        new KatMlp(hidden, dim, numGroups, init, drop)))
                .build();
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s(kan_mixer, img=%d, patch=%d, blocks=%d, dim=%d, groups=%d)",
                name,
                imgSize,
                patchSize,
                numBlocks,
                embedDim,
                numGroups);
    }
}
