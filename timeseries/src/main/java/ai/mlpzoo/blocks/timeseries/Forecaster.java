package ai.mlpzoo.blocks.timeseries;

import ai.mlpzoo.blocks.common.InputContract;

/**
 * A forecasting block: what the CLI, the trainer, the translator and the service need to know to
 * feed it windows, without knowing its family.
 *
 * <p>The forward convention of every forecaster: {@code NDList(values)} with {@code values} of
 * shape (batch, {@link #contextLength()}, {@link #inputChannels()}), plus, when {@link
 * #timeFeatures()} is not zero, a second array {@code marks} of shape (batch, contextLength,
 * timeFeatures) holding the time features of each input step (see {@code
 * ai.mlpzoo.translate.TimeFeatures}); the output is {@code NDList(forecast)} of shape (batch,
 * {@link #horizon()}, {@link #outputChannels()}). Values go in and come out in the units the model
 * was trained on (z-scored for the zoo's ETT models; the translator applies the stored mean and
 * std).
 */
public interface Forecaster extends InputContract {

    /**
     * @return the number of past steps the model reads (the lookback)
     */
    int contextLength();

    /**
     * @return the number of future steps it predicts
     */
    int horizon();

    /**
     * @return the channels of its input
     */
    int inputChannels();

    /**
     * @return the channels of its forecast (the input's, unless the model selects or maps them)
     */
    int outputChannels();

    /**
     * @return the time features per step it takes as a second input, 0 when it takes none
     */
    default int timeFeatures() {
        return 0;
    }
}
