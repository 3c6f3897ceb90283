package ai.mlpzoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.timeseries.Forecaster;
import ai.mlpzoo.config.Families;
import ai.mlpzoo.config.ForecastConfig;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A test-only forecaster: one Linear map along time shared by the channels (the "Linear" baseline
 * of Zeng et al. 2023, arXiv:2205.13504), plus, when it takes time marks, a Linear map of the
 * marks' mean to a per-channel offset. Small enough to train in seconds, real enough to learn a
 * series.
 */
public class LinearForecastConfig implements ForecastConfig {

    /** Its model_type. */
    public static final String MODEL_TYPE = "test_linear_forecast";

    static {
        Families.registerModelType(MODEL_TYPE, LinearForecastConfig.class);
    }

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("context_length")
    public int contextLength;

    @JsonProperty("prediction_length")
    public int horizon;

    @JsonProperty("num_input_channels")
    public int channels;

    @JsonProperty("time_features")
    public int timeFeatures;

    /** Registers the model type (the static initialiser does it). */
    public static void register() {}

    /**
     * @param context lookback
     * @param horizon forecast length
     * @param channels channels
     * @param timeFeatures 0 or 4
     * @return the config
     */
    public static LinearForecastConfig of(
            int context, int horizon, int channels, int timeFeatures) {
        LinearForecastConfig c = new LinearForecastConfig();
        c.contextLength = context;
        c.horizon = horizon;
        c.channels = channels;
        c.timeFeatures = timeFeatures;
        return c;
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public LinearForecastConfig validate() {
        return this;
    }

    @Override
    public LinearBlock toBlock() {
        return new LinearBlock(this);
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public int horizon() {
        return horizon;
    }

    @Override
    public int inputChannels() {
        return channels;
    }

    @Override
    public int outputChannels() {
        return channels;
    }

    @Override
    public int timeFeatures() {
        return timeFeatures;
    }

    /** The block. */
    public static final class LinearBlock extends AbstractBlock implements Forecaster {
        private final LinearForecastConfig c;
        private final Linear time;
        private final Linear marks;

        LinearBlock(LinearForecastConfig c) {
            this.c = c;
            time = addChildBlock("time", Linear.builder().setUnits(c.horizon).build());
            marks =
                    c.timeFeatures > 0
                            ? addChildBlock("marks", Linear.builder().setUnits(c.channels).build())
                            : null;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            NDArray x = in.get(0).transpose(0, 2, 1); // (B, C, L)
            NDArray y = time.forward(ps, new NDList(x), training).head(); // (B, C, H)
            y = y.transpose(0, 2, 1); // (B, H, C)
            if (marks != null) {
                NDArray m = in.get(1).mean(new int[] {1}); // (B, F)
                NDArray off = marks.forward(ps, new NDList(m), training).head(); // (B, C)
                y = y.add(off.expandDims(1)); // (B, H, C)
            }
            return new NDList(y);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return new Shape[] {new Shape(in[0].get(0), c.horizon, c.channels)};
        }

        @Override
        protected void initializeChildBlocks(
                ai.djl.ndarray.NDManager manager, DataType dataType, Shape... in) {
            time.initialize(
                    manager, dataType, new Shape(in[0].get(0), c.channels, c.contextLength));
            if (marks != null) {
                marks.initialize(manager, dataType, new Shape(in[0].get(0), c.timeFeatures));
            }
        }

        @Override
        public void checkInput(NDArray input) {
            if (input.getShape().dimension() != 3 || input.getShape().get(2) != c.channels) {
                throw new IllegalArgumentException("expected (B, L, C), got " + input.getShape());
            }
        }

        @Override
        public int contextLength() {
            return c.contextLength;
        }

        @Override
        public int horizon() {
            return c.horizon;
        }

        @Override
        public int inputChannels() {
            return c.channels;
        }

        @Override
        public int outputChannels() {
            return c.channels;
        }

        @Override
        public int timeFeatures() {
            return c.timeFeatures;
        }
    }
}
