package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.timeseries.timemixer.TimeMixer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeMixerConfigTest {

    private static final String TINY =
            "{\"model_type\": \"timemixer\", \"seq_len\": 32, \"pred_len\": 8, \"enc_in\": 3,"
                    + " \"c_out\": 3, \"d_model\": 8, \"d_ff\": 16, \"e_layers\": 2,"
                    + " \"down_sampling_layers\": 2, \"down_sampling_window\": 2%s}";

    private static ModelConfig read(String extra) {
        return Configs.read(String.format(TINY, extra).getBytes(StandardCharsets.UTF_8), "t.json");
    }

    @ParameterizedTest
    @CsvSource({"timemixer_etth1_h96, 96", "timemixer_etth1_h336, 336"})
    void etth1VariantsAreTheUnifiedScript(String name, int horizon) {
        TimeMixerConfig c = (TimeMixerConfig) Configs.variant(name);
        assertEquals(96, c.contextLength());
        assertEquals(horizon, c.horizon());
        assertEquals(7, c.inputChannels());
        assertEquals(7, c.outputChannels());
        assertEquals(4, c.timeFeatures(), "the unified ETTh1 script passes timeF marks");
        assertEquals(3, c.downSamplingLayers);
        assertEquals(16, c.dModel);
        try (NDManager manager = NDManager.newBaseManager()) {
            TimeMixer block = c.toBlock();
            block.initialize(manager, DataType.FLOAT32, c.inputShape());
            assertEquals(4, block.timeFeatures());
            // scale lengths 96, 48, 24, 12: the predict layers map each to the horizon
            assertEquals(
                    new ai.djl.ndarray.types.Shape(horizon, 12),
                    NamedParameters.of(block).get("predict_layers.3.weight").getShape());
            // a batch of 2 windows with their marks gives (2, horizon, 7)
            ai.djl.ndarray.NDArray y =
                    block.forward(
                                    new ai.djl.training.ParameterStore(manager, false),
                                    new ai.djl.ndarray.NDList(
                                            manager.randomNormal(
                                                    new ai.djl.ndarray.types.Shape(2, 96, 7)),
                                            manager.randomUniform(
                                                    -0.5f,
                                                    0.5f,
                                                    new ai.djl.ndarray.types.Shape(2, 96, 4))),
                                    false)
                            .head();
            assertEquals(new ai.djl.ndarray.types.Shape(2, horizon, 7), y.getShape());
            assertFalse(y.isNaN().any().getBoolean());
        }
    }

    @Test
    void tinyReadsAndTakesNoMarksByDefault() {
        ModelConfig c = read("");
        assertTrue(c instanceof TimeMixerConfig);
        assertEquals(0, ((ForecastConfig) c).timeFeatures());
        assertEquals(new ai.djl.ndarray.types.Shape(1, 32, 3), ((ForecastConfig) c).inputShape());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                ", \"moving_avg\": 24 | field 'moving_avg' must be odd",
                ", \"down_sampling_layers\": 0 | field 'down_sampling_layers' must be at least 1",
                ", \"seq_len\": 30 | field 'seq_len' (30) must be divisible",
                ", \"decomp_method\": \"dft_decomp\", \"d_model\": 7 | field 'd_model' must be even",
                ", \"decomp_method\": \"dft_decomp\", \"d_model\": 4 | field 'top_k' (5) must not",
                ", \"c_out\": 1 | field 'c_out' (1) must equal enc_in (3)",
                ", \"down_sampling_method\": \"conv\" | randomly initialised Conv1d",
                ", \"down_sampling_method\": \"median\" | must be avg or max",
                ", \"decomp_method\": \"stl\" | must be moving_avg or dft_decomp",
                ", \"embed\": \"fixed\" | field 'embed' must be timeF",
                ", \"freq\": \"q\" | field 'freq' must be one of",
                ", \"use_future_temporal_feature\": 1 | use_future_temporal_feature",
                ", \"task_name\": \"imputation\" | field 'task_name'",
                ", \"channel_independence\": 2 | field 'channel_independence' must be 0 or 1",
                ", \"dropout\": 1.5 | field 'dropout' must be in [0, 1)",
                ", \"learning_rate\": 0.01 | unknown field 'learning_rate'"
            })
    void badFieldsAreNamed(String extra, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(extra));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
