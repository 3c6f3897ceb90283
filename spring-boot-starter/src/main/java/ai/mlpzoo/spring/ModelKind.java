package ai.mlpzoo.spring;

/** What a served model does, which decides its translator and its endpoints. */
public enum ModelKind {
    /**
     * A model whose architecture is an SAE is {@link #SAE}, a forecaster (a zoo artifact of
     * application {@code timeseries/forecasting}, or a model directory whose architecture is a
     * forecasting config) {@link #FORECASTER}; anything else {@link #IMAGE_CLASSIFIER}.
     */
    AUTO,
    /**
     * Image (or image tensor) in, classes out: {@code ai.mlpzoo.translate.ImageClassifierFactory}.
     */
    IMAGE_CLASSIFIER,
    /**
     * Activation vector in, sparse features out: {@code
     * ai.mlpzoo.translate.VectorTranslatorFactory}.
     */
    SAE,
    /**
     * A window of a series in, its forecast out, in the data's units: {@code
     * ai.mlpzoo.translate.ForecastTranslatorFactory}.
     */
    FORECASTER
}
