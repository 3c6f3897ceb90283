package ai.mlpzoo.config;

import ai.mlpzoo.blocks.timeseries.timemixer.TimeMixer;
import ai.mlpzoo.blocks.timeseries.timemixer.TimeMixerArgs;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Map;

/**
 * TimeMixer (Wang et al., ICLR 2024) as the arguments of the reference's {@code run.py} that its
 * {@code models/TimeMixer.py} reads, under their names, so that a checkpoint's {@code config.json}
 * binds directly (see {@code --format timemixer}). One field is ours: {@code use_time_marks},
 * whether the model takes the timeF marks as a second input (the reference decides at call time, by
 * passing {@code x_mark_enc} or None; the published ETT runs pass them). Defaults are run.py's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TimeMixerConfig implements ForecastConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "timemixer";

    /** Time features per step of {@code embed timeF} by {@code freq} ({@code timefeatures.py}). */
    private static final Map<String, Integer> FREQ_FEATURES =
            Map.of("h", 4, "t", 5, "s", 6, "m", 1, "a", 1, "w", 2, "d", 3, "b", 3);

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("task_name")
    public String taskName = "long_term_forecast";

    @JsonProperty("seq_len")
    public int seqLen = 96;

    @JsonProperty("label_len")
    public int labelLen = 0;

    @JsonProperty("pred_len")
    public int predLen = 96;

    @JsonProperty("enc_in")
    public int encIn = 7;

    @JsonProperty("c_out")
    public int cOut = 7;

    @JsonProperty("d_model")
    public int dModel = 16;

    @JsonProperty("d_ff")
    public int dFf = 32;

    @JsonProperty("e_layers")
    public int eLayers = 2;

    @JsonProperty("down_sampling_layers")
    public int downSamplingLayers = 0;

    @JsonProperty("down_sampling_window")
    public int downSamplingWindow = 1;

    @JsonProperty("down_sampling_method")
    public String downSamplingMethod = "avg";

    @JsonProperty("decomp_method")
    public String decompMethod = "moving_avg";

    @JsonProperty("moving_avg")
    public int movingAvg = 25;

    @JsonProperty("top_k")
    public int topK = 5;

    @JsonProperty("channel_independence")
    public int channelIndependence = 1;

    @JsonProperty("use_norm")
    public int useNorm = 1;

    @JsonProperty("embed")
    public String embed = "timeF";

    @JsonProperty("freq")
    public String freq = "h";

    @JsonProperty("dropout")
    public double dropout = 0.1;

    @JsonProperty("use_future_temporal_feature")
    public int useFutureTemporalFeature = 0;

    @JsonProperty("use_time_marks")
    public boolean useTimeMarks = false;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    /**
     * The block's arguments, every field checked.
     *
     * @return the arguments
     * @throws ConfigException naming the first bad field and the fix
     */
    public TimeMixerArgs args() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        if (!"long_term_forecast".equals(taskName) && !"short_term_forecast".equals(taskName)) {
            throw new ConfigException(
                    "field 'task_name' must be long_term_forecast or short_term_forecast, got '"
                            + taskName
                            + "': only TimeMixer's forecasting path is implemented");
        }
        if (!"timeF".equals(embed)) {
            throw new ConfigException(
                    "field 'embed' must be timeF, got '"
                            + embed
                            + "': the fixed and learned temporal embeddings are not implemented");
        }
        Integer features = freq == null ? null : FREQ_FEATURES.get(freq.toLowerCase(Locale.ROOT));
        if (features == null) {
            throw new ConfigException(
                    "field 'freq' must be one of "
                            + String.join(", ", new java.util.TreeSet<>(FREQ_FEATURES.keySet()))
                            + ", got '"
                            + freq
                            + "'");
        }
        if (useFutureTemporalFeature != 0) {
            throw new ConfigException(
                    "field 'use_future_temporal_feature' must be 0: the future-mark path is not"
                            + " implemented");
        }
        if (channelIndependence != 0 && channelIndependence != 1) {
            throw new ConfigException(
                    "field 'channel_independence' must be 0 or 1, got " + channelIndependence);
        }
        if (useNorm != 0 && useNorm != 1) {
            throw new ConfigException("field 'use_norm' must be 0 or 1, got " + useNorm);
        }
        return ConfigException.fromBuilder(
                () ->
                        new TimeMixerArgs(
                                        seqLen,
                                        predLen,
                                        encIn,
                                        cOut,
                                        dModel,
                                        dFf,
                                        eLayers,
                                        downSamplingLayers,
                                        downSamplingWindow,
                                        downSamplingMethod,
                                        decompMethod,
                                        movingAvg,
                                        topK,
                                        channelIndependence == 1,
                                        useNorm == 1,
                                        features,
                                        useTimeMarks,
                                        (float) dropout)
                                .validate());
    }

    @Override
    public TimeMixerConfig validate() {
        args();
        return this;
    }

    @Override
    public TimeMixer toBlock() {
        TimeMixerArgs a = args();
        return ConfigException.fromBuilder(() -> new TimeMixer(a));
    }

    @Override
    public int contextLength() {
        return seqLen;
    }

    @Override
    public int horizon() {
        return predLen;
    }

    @Override
    public int inputChannels() {
        return encIn;
    }

    @Override
    public int outputChannels() {
        return cOut;
    }

    @Override
    public int timeFeatures() {
        return args().useTimeMarks() ? args().markFeatures() : 0;
    }

    @Override
    public String toString() {
        return "timemixer(seq_len="
                + seqLen
                + ", pred_len="
                + predLen
                + ", enc_in="
                + encIn
                + ", d_model="
                + dModel
                + ", scales="
                + (downSamplingLayers + 1)
                + ")";
    }
}
