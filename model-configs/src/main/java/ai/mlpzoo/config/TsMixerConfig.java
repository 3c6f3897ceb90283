package ai.mlpzoo.config;

import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.timeseries.tsmixer.TsMixer;
import ai.mlpzoo.blocks.timeseries.tsmixer.TsMixerNorm;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Google's TSMixer (Chen et al. 2023, arXiv:2303.06053) as the torchtsmixer port's {@code TSMixer}
 * constructor arguments, under their names, so that a torchtsmixer {@code config.json} binds as it
 * is. Note torchtsmixer's count: {@code num_blocks} builds {@code num_blocks - 1} mixer layers.
 * {@code rev_in} (not a torchtsmixer argument; absent means false) adds the RevIN of the paper's
 * {@code tsmixer_rev_in}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TsMixerConfig implements ForecastConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "tsmixer_google";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("sequence_length")
    public int sequenceLength;

    @JsonProperty("prediction_length")
    public int predictionLength;

    @JsonProperty("input_channels")
    public int inputChannels;

    @JsonProperty("output_channels")
    public Integer outputChannels;

    @JsonProperty("activation_fn")
    public String activationFn = "relu";

    @JsonProperty("num_blocks")
    public int numBlocks = 2;

    @JsonProperty("dropout_rate")
    public double dropoutRate = 0.1;

    @JsonProperty("ff_dim")
    public int ffDim = 64;

    @JsonProperty("normalize_before")
    public boolean normalizeBefore = true;

    @JsonProperty("norm_type")
    public String normType = "batch";

    @JsonProperty("rev_in")
    public Boolean revIn;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public TsMixerConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public TsMixer toBlock() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        String act = activationFn == null ? "" : activationFn.toLowerCase(Locale.ROOT);
        if (!act.equals("relu") && !act.equals("gelu")) {
            throw new ConfigException(
                    "field 'activation_fn' must be \"relu\" or \"gelu\" (torch.nn.functional's), got "
                            + (activationFn == null ? "null" : "\"" + activationFn + "\""));
        }
        return ConfigException.fromBuilder(
                () -> {
                    // per mixer layer: the time Linear (S x S), the feature MLP (2 x ff_dim x C)
                    // and
                    // the norms (about 4 x S x C); a lower bound, checked before anything is built
                    double perLayer =
                            (double) sequenceLength * sequenceLength
                                    + 2.0 * ffDim * inputChannels
                                    + 4.0 * sequenceLength * inputChannels;
                    Configs.checkFits(
                            perLayer * Math.max(numBlocks - 1, 0)
                                    + (double) sequenceLength * predictionLength,
                            "sequence_length "
                                    + sequenceLength
                                    + ", num_blocks "
                                    + numBlocks
                                    + ", ff_dim "
                                    + ffDim);
                    return new TsMixer(
                            sequenceLength,
                            predictionLength,
                            inputChannels,
                            outputChannels(),
                            BaseActivation.parse(act),
                            numBlocks,
                            (float) dropoutRate,
                            ffDim,
                            normalizeBefore,
                            TsMixerNorm.Type.parse(normType),
                            Boolean.TRUE.equals(revIn));
                });
    }

    @Override
    public int contextLength() {
        return sequenceLength;
    }

    @Override
    public int horizon() {
        return predictionLength;
    }

    @Override
    public int inputChannels() {
        return inputChannels;
    }

    /** torchtsmixer's default: the input's channels; and with one block, always those. */
    @Override
    public int outputChannels() {
        return outputChannels == null || numBlocks == 1 ? inputChannels : outputChannels;
    }

    @Override
    public String toString() {
        return "tsmixer_google(S="
                + sequenceLength
                + ", H="
                + predictionLength
                + ", C="
                + inputChannels
                + ", blocks="
                + numBlocks
                + ", "
                + normType
                + (Boolean.TRUE.equals(revIn) ? ", RevIN" : "")
                + ")";
    }
}
