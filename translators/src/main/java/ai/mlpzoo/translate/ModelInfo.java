package ai.mlpzoo.translate;

import ai.djl.Model;
import ai.djl.util.JsonUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What a translator needs to know about a model's inputs and outputs, read from the model
 * directory's {@code metadata.json} (timm's {@code pretrained_cfg} keys, so an imported timm
 * checkpoint works as is):
 *
 * <pre>
 * input_size   [channels, height, width] for images, [features] for vectors
 * mean, std    per-channel normalisation of pixels in [0, 1] (one value or one per channel)
 * label_names  class names by output index
 * </pre>
 *
 * and for forecasters (the input size is then [context, channels], and {@code mean}, {@code std}
 * are the per-channel statistics of the training split, so raw values go in and come out):
 *
 * <pre>
 * horizon        the number of future steps
 * columns        channel names, in the model's channel order
 * time_features  time features per step the model takes (0 or 4, see {@link TimeFeatures})
 * step           the series' time step as an ISO-8601 duration, e.g. "PT1H"
 * </pre>
 *
 * Every key is optional here; each translator says which ones it needs.
 */
public final class ModelInfo {

    /** The file in the model directory. */
    public static final String FILE = "metadata.json";

    private final String source;
    private final int[] inputSize;
    private final float[] mean;
    private final float[] std;
    private final List<String> labelNames;
    private final boolean flatten;
    private final int horizon;
    private final List<String> columns;
    private final int timeFeatures;
    private final Duration step;
    private final Map<String, Double> figures;

    private ModelInfo(
            String source,
            int[] inputSize,
            float[] mean,
            float[] std,
            List<String> labels,
            boolean flatten,
            int horizon,
            List<String> columns,
            int timeFeatures,
            Duration step,
            Map<String, Double> figures) {
        this.source = source;
        this.figures = figures;
        this.horizon = horizon;
        this.columns = columns;
        this.timeFeatures = timeFeatures;
        this.step = step;
        this.flatten = flatten;
        this.inputSize = inputSize;
        this.mean = mean;
        this.std = std;
        this.labelNames = labels;
    }

    /**
     * Reads the metadata of a loaded model; a model directory without the file gives empty
     * metadata.
     *
     * @param model the model (its path is the model directory)
     * @return the metadata
     * @throws IOException when the file exists but cannot be read or parsed
     */
    public static ModelInfo of(Model model) throws IOException {
        Path dir = model.getModelPath();
        if (dir == null) {
            return parse("{}", "model " + model.getName());
        }
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return parse("{}", file.toString());
        }
        return parse(Files.readString(file), file.toString());
    }

    /**
     * Parses metadata JSON.
     *
     * @param json the JSON text
     * @param source where it came from, for messages
     * @return the metadata
     * @throws IOException naming the bad key when a value has the wrong type
     */
    public static ModelInfo parse(String json, String source) throws IOException {
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IOException(source + ": expected a JSON object");
            }
            root = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IOException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            int[] size = null;
            if (root.has("input_size")) {
                float[] s = floats(root, "input_size");
                size = new int[s.length];
                for (int i = 0; i < s.length; i++) {
                    size[i] = (int) s[i];
                    if (size[i] <= 0 || size[i] != s[i]) {
                        throw new IOException(
                                source + ": 'input_size' must hold positive integers");
                    }
                }
            }
            float[] mean = root.has("mean") ? floats(root, "mean") : null;
            float[] std = root.has("std") ? floats(root, "std") : null;
            if (std != null) {
                for (float v : std) {
                    if (!(v > 0)) {
                        throw new IOException(source + ": 'std' must be positive, got " + v);
                    }
                }
            }
            List<String> labels = strings(root, "label_names");
            List<String> columns = strings(root, "columns");
            int horizon = positiveInt(root, "horizon", source, 0);
            int timeFeatures = positiveInt(root, "time_features", source, 0);
            Duration step = null;
            if (root.has("step")) {
                try {
                    step = Duration.parse(root.get("step").getAsString());
                } catch (DateTimeParseException e) {
                    throw new IOException(
                            source
                                    + ": 'step' must be an ISO-8601 duration such as \"PT1H\", got "
                                    + JsonUtils.GSON.toJson(root.get("step")),
                            e);
                }
                if (step.isNegative() || step.isZero()) {
                    throw new IOException(source + ": 'step' must be positive, got " + step);
                }
            }
            boolean flatten = false;
            if (root.has("flatten")) {
                JsonElement f = root.get("flatten");
                if (!f.isJsonPrimitive() || !f.getAsJsonPrimitive().isBoolean()) {
                    throw new IOException(
                            source
                                    + ": 'flatten' must be true or false, got "
                                    + JsonUtils.GSON.toJson(f));
                }
                flatten = f.getAsBoolean();
            }
            // the numbers recorded at training (test_accuracy, test_mse, ...), for reports
            Map<String, Double> figures = new TreeMap<>();
            for (Map.Entry<String, JsonElement> e : root.entrySet()) {
                if (e.getValue().isJsonPrimitive()
                        && e.getValue().getAsJsonPrimitive().isNumber()) {
                    figures.put(e.getKey(), e.getValue().getAsDouble());
                }
            }
            return new ModelInfo(
                    source,
                    size,
                    mean,
                    std,
                    labels,
                    flatten,
                    horizon,
                    columns,
                    timeFeatures,
                    step,
                    Collections.unmodifiableMap(figures));
        } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new IOException(source + ": bad value in metadata: " + e.getMessage(), e);
        }
    }

    private static List<String> strings(JsonObject root, String key) throws IOException {
        if (!root.has(key)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonElement e : array(root, key)) {
            out.add(e.getAsString());
        }
        return Collections.unmodifiableList(out);
    }

    private static int positiveInt(JsonObject root, String key, String source, int absent)
            throws IOException {
        if (!root.has(key)) {
            return absent;
        }
        JsonElement e = root.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IOException(
                    source + ": '" + key + "' must be a number, got " + JsonUtils.GSON.toJson(e));
        }
        double v = e.getAsDouble();
        if (v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw new IOException(
                    source + ": '" + key + "' must be a non-negative integer, got " + e);
        }
        return (int) v;
    }

    private static JsonArray array(JsonObject root, String key) throws IOException {
        JsonElement e = root.get(key);
        if (!e.isJsonArray()) {
            throw new IOException(key + " must be a JSON array, got " + JsonUtils.GSON.toJson(e));
        }
        return e.getAsJsonArray();
    }

    private static float[] floats(JsonObject root, String key) throws IOException {
        JsonArray a = array(root, key);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    /**
     * A number recorded at the top level of the metadata, such as the {@code test_accuracy} or
     * {@code test_mse} measured at training.
     *
     * @param key the key
     * @return its value, or empty when absent or not a number
     */
    public OptionalDouble figure(String key) {
        Double v = figures.get(key);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /**
     * @return where the metadata came from
     */
    public String source() {
        return source;
    }

    /**
     * @return the input size without the batch axis, or null when not recorded
     */
    public int[] inputSize() {
        return inputSize == null ? null : inputSize.clone();
    }

    /**
     * @return the per-channel mean, or null
     */
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    /**
     * @return the per-channel standard deviation, or null
     */
    public float[] std() {
        return std == null ? null : std.clone();
    }

    /**
     * @return whether the model takes the normalised image as one flat vector of C * H * W values
     *     (a KAN or MLP classifier) rather than as (C, H, W)
     */
    public boolean flatten() {
        return flatten;
    }

    /**
     * @return the class names, or null
     */
    public List<String> labelNames() {
        return labelNames;
    }

    /**
     * @return a forecaster's number of future steps, 0 when not recorded
     */
    public int horizon() {
        return horizon;
    }

    /**
     * @return a forecaster's channel names, or null
     */
    public List<String> columns() {
        return columns;
    }

    /**
     * @return the time features per step a forecaster takes (0: none)
     */
    public int timeFeatures() {
        return timeFeatures;
    }

    /**
     * @return the series' time step, or null when not recorded
     */
    public Duration step() {
        return step;
    }
}
