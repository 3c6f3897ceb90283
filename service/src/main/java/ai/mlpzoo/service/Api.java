package ai.mlpzoo.service;

import java.util.List;
import java.util.Map;

/** The JSON bodies of the REST API. */
final class Api {

    private Api() {}

    /**
     * A tensor, row-major.
     *
     * @param data the values
     * @param shape the shape (optional for a vector)
     */
    record Tensor(float[] data, long[] shape) {}

    /**
     * One class and its probability.
     *
     * @param label the class name
     * @param index the class index
     * @param probability its softmax probability
     */
    record ClassScore(String label, int index, double probability) {}

    /**
     * The answer to a prediction.
     *
     * @param model the model id
     * @param predictions the top-k classes, one list per input (one for an image)
     */
    record Prediction(String model, List<List<ClassScore>> predictions) {}

    /**
     * The answer to a features request.
     *
     * @param model the model id
     * @param width the dictionary size
     * @param indices the active features, ascending
     * @param values their activations
     */
    record Features(String model, int width, int[] indices, float[] values) {}

    /**
     * A window of a series to forecast, in the data's own units.
     *
     * @param values one row per time step, one value per channel (at least the model's context
     *     length of rows; the last ones are used)
     * @param timestamps the time of each row ({@code 2017-10-24 00:00:00} or ISO-8601), needed by
     *     models that read time features and to date the forecast; may be absent otherwise
     */
    record Window(float[][] values, List<String> timestamps) {}

    /**
     * The answer to a forecast request.
     *
     * @param model the model id
     * @param columns the channel names recorded with the model, or null
     * @param timestamps the time of each forecast row, or null when the window had none
     * @param values one row per future step, in the data's own units
     */
    record ForecastResult(
            String model, List<String> columns, List<String> timestamps, float[][] values) {}

    /**
     * A served model.
     *
     * @param id its id in the URLs
     * @param kind IMAGE_CLASSIFIER, SAE or FORECASTER
     * @param source the zoo artifact or the model directory
     * @param inputShape one input's shape
     * @param labels the class names (classifiers)
     * @param predictors the pool size
     * @param engine the DJL engine it runs on (PyTorch, OnnxRuntime)
     */
    record ServedModelInfo(
            String id,
            String kind,
            String source,
            long[] inputShape,
            List<String> labels,
            int predictors,
            String engine) {}

    /**
     * A model of the zoo.
     *
     * @param artifactId the artifact
     * @param variant the variant
     * @param application the DJL application
     * @param filters the Criteria filters it answers to
     * @param description one line
     * @param pretrained whether the weights are trained
     * @param parameters the parameter count
     */
    record ZooModelInfo(
            String artifactId,
            String variant,
            String application,
            Map<String, String> filters,
            String description,
            boolean pretrained,
            long parameters) {}

    /**
     * The listing.
     *
     * @param served the models this service serves
     * @param zoo every model of the zoo
     */
    record Models(List<ServedModelInfo> served, List<ZooModelInfo> zoo) {}

    /**
     * An error.
     *
     * @param status the HTTP status
     * @param error its reason phrase
     * @param message what went wrong
     * @param path the request path
     */
    record Error(int status, String error, String message, String path) {}
}
