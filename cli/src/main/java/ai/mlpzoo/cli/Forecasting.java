package ai.mlpzoo.cli;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ForecastConfig;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** What train, eval and forecast share for forecasting models. */
final class Forecasting {

    /** Config fields, across the families, that hold the lookback. */
    private static final List<String> CONTEXT_FIELDS =
            List.of("context_length", "seq_len", "sequence_length", "input_length", "lookback");

    /** Config fields that hold the horizon. */
    private static final List<String> HORIZON_FIELDS =
            List.of("prediction_length", "pred_len", "horizon", "output_length");

    /** Config fields that hold the channel count (inputs, and outputs when they equal them). */
    private static final List<String> CHANNEL_FIELDS =
            List.of(
                    "num_input_channels",
                    "enc_in",
                    "dec_in",
                    "c_out",
                    "input_channels",
                    "output_channels",
                    "n_channels",
                    "num_channels");

    private Forecasting() {}

    /**
     * Sets a forecaster config's lookback, horizon and channels, whatever its family calls them:
     * each listed field that holds the current value gets the new one, and the re-read config must
     * report the new values.
     *
     * @param config the config
     * @param context the lookback, or null to keep
     * @param horizon the horizon, or null to keep
     * @param channels the channels, or null to keep
     * @return a new config
     */
    static ForecastConfig withShape(
            ForecastConfig config, Integer context, Integer horizon, Integer channels) {
        ObjectNode tree = Configs.MAPPER.valueToTree(config);
        List<String> changed = new ArrayList<>();
        set(tree, CONTEXT_FIELDS, config.contextLength(), context, changed);
        set(tree, HORIZON_FIELDS, config.horizon(), horizon, changed);
        if (channels != null && config.outputChannels() != config.inputChannels()) {
            throw new IllegalArgumentException(
                    "the "
                            + config.modelType()
                            + " config forecasts "
                            + config.outputChannels()
                            + " of its "
                            + config.inputChannels()
                            + " channels: give a config whose channels are the data's");
        }
        set(tree, CHANNEL_FIELDS, config.inputChannels(), channels, changed);
        if (changed.isEmpty()) {
            return config;
        }
        ModelConfig read =
                Configs.read(
                        Configs.toJson(tree).getBytes(StandardCharsets.UTF_8),
                        config.modelType() + " config with " + String.join(", ", changed));
        ForecastConfig f = (ForecastConfig) read;
        if ((context != null && f.contextLength() != context)
                || (horizon != null && f.horizon() != horizon)
                || (channels != null && f.inputChannels() != channels)) {
            throw new IllegalArgumentException(
                    "cannot set the lookback, horizon or channels of a "
                            + config.modelType()
                            + " config from the command line: write them into its config file");
        }
        return f;
    }

    private static void set(
            ObjectNode tree,
            List<String> fields,
            int current,
            Integer value,
            List<String> changed) {
        if (value == null || value == current) {
            return;
        }
        for (String name : fields) {
            JsonNode v = tree.get(name);
            if (v != null && v.isInt() && v.asInt() == current) {
                tree.put(name, value);
                changed.add(name + " " + value);
            }
        }
    }

    /** A loaded forecasting model: its architecture, weights and metadata. */
    static final class Loaded implements AutoCloseable {
        final ForecastConfig config;
        final ZooModel<NDList, NDList> model;
        final JsonNode metadata;

        Loaded(ForecastConfig config, ZooModel<NDList, NDList> model, JsonNode metadata) {
            this.config = config;
            this.model = model;
            this.metadata = metadata;
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * Loads a model directory or zoo artifact ({@code artifact[/variant]}).
     *
     * @param spec what the user gave
     * @param artifacts whether a zoo artifact id may be a forecaster (else only directories are
     *     looked at, and an artifact id is left to the caller's other path)
     * @return the model, or null when it is not a forecaster (the caller's other path)
     * @throws Exception when it cannot be loaded
     */
    static Loaded loadIfForecaster(String spec, boolean artifacts) throws Exception {
        Path dir = Paths.get(spec);
        Criteria.Builder<NDList, NDList> b =
                Criteria.builder().setTypes(NDList.class, NDList.class);
        if (Files.isDirectory(dir)) {
            ModelDirs.checkSafe(dir); // data only, before DJL reads it
            if (!(ModelDirs.readArchitecture(dir) instanceof ForecastConfig)) {
                return null;
            }
            b.optModelPath(dir);
        } else if (!artifacts) {
            return null;
        } else if (spec.matches("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?")) {
            String[] parts = spec.split("/");
            b.optGroupId("ai.mlpzoo").optArtifactId(parts[0]);
            if (parts.length > 1) {
                b.optFilter("variant", parts[1]);
            }
        } else {
            throw new NoSuchFileException(spec, null, "model directory not found");
        }
        ZooModel<NDList, NDList> zoo = ai.mlpzoo.zoo.MlpZoo.loadModel(b.build());
        try {
            ModelConfig config = ModelDirs.readArchitecture(zoo.getModelPath());
            if (!(config instanceof ForecastConfig)) {
                zoo.close();
                return null;
            }
            Path metaFile = zoo.getModelPath().resolve(ModelDirs.METADATA);
            JsonNode meta =
                    Files.isRegularFile(metaFile)
                            ? Configs.readObject(
                                    Configs.readFile(metaFile, ModelDirs.METADATA),
                                    metaFile.toString())
                            : Configs.MAPPER.createObjectNode();
            return new Loaded((ForecastConfig) config, zoo, meta);
        } catch (IOException | RuntimeException e) {
            zoo.close();
            throw e;
        }
    }

    /**
     * Reads a per-channel array of the metadata.
     *
     * @param meta the metadata
     * @param field mean or std
     * @param channels the expected length
     * @param source for the message
     * @return the values, or null when absent
     */
    static double[] channelArray(JsonNode meta, String field, int channels, String source) {
        JsonNode a = meta.get(field);
        if (a == null || a.isNull()) {
            return null;
        }
        if (!a.isArray() || a.size() != channels) {
            throw new IllegalArgumentException(
                    source
                            + ": metadata.json field '"
                            + field
                            + "' must be an array of "
                            + channels
                            + " numbers, one per channel");
        }
        double[] out = new double[channels];
        for (int i = 0; i < channels; i++) {
            if (!a.get(i).isNumber() || !Double.isFinite(a.get(i).asDouble())) {
                throw new IllegalArgumentException(
                        source + ": metadata.json " + field + "[" + i + "] is not a finite number");
            }
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}
