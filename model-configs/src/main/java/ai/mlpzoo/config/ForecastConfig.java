package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;

/**
 * The config of a forecasting model: its {@link #toBlock()} is an {@code
 * ai.mlpzoo.blocks.timeseries.Forecaster} whose context, horizon and channels are these.
 */
public interface ForecastConfig extends ModelConfig {

    /**
     * @return the lookback, in steps
     */
    int contextLength();

    /**
     * @return the forecast length, in steps
     */
    int horizon();

    /**
     * @return the input channels
     */
    int inputChannels();

    /**
     * @return the forecast's channels
     */
    int outputChannels();

    /**
     * @return the time features per step the model takes, 0 for none
     */
    default int timeFeatures() {
        return 0;
    }

    /** One window: (1, context, input channels). */
    @Override
    default Shape inputShape() {
        return new Shape(1, contextLength(), inputChannels());
    }
}
