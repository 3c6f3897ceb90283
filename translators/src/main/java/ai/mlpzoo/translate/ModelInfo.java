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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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

    private ModelInfo(
            String source,
            int[] inputSize,
            float[] mean,
            float[] std,
            List<String> labels,
            boolean flatten) {
        this.source = source;
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
            List<String> labels = null;
            if (root.has("label_names")) {
                labels = new ArrayList<>();
                for (JsonElement e : array(root, "label_names")) {
                    labels.add(e.getAsString());
                }
                labels = Collections.unmodifiableList(labels);
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
            return new ModelInfo(source, size, mean, std, labels, flatten);
        } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new IOException(source + ": bad value in metadata: " + e.getMessage(), e);
        }
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
}
