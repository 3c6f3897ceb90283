package ai.mlpzoo.spring;

/** Where a pool reports each prediction; Micrometer's registry when the application has one. */
public interface PredictionMetrics {

    /** Reports nothing. */
    PredictionMetrics NONE = (model, nanos, success) -> {};

    /**
     * Records one prediction.
     *
     * @param model the model id
     * @param nanos how long the predictor ran
     * @param success whether it returned a result
     */
    void record(String model, long nanos, boolean success);
}
