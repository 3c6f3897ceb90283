package ai.mlpzoo.loading.timeseries;

import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.TsMixerConfig;
import ai.mlpzoo.loading.CheckpointImporter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code --format tsmixer-google}: a torchtsmixer checkpoint folder, {@code config.json} holding
 * the {@code TSMixer} constructor arguments (plus an optional descriptive {@code reference}) and
 * {@code model.safetensors} its {@code state_dict()}, BatchNorm counters included.
 */
public final class TsMixerGoogleImporter implements CheckpointImporter {

    /** The format name. */
    public static final String FORMAT = "tsmixer-google";

    @Override
    public String format() {
        return FORMAT;
    }

    /**
     * Reads the architecture from a checkpoint folder.
     *
     * @param dir the folder
     * @return the validated config
     * @throws IOException when config.json is missing
     */
    public static TsMixerConfig readConfig(Path dir) throws IOException {
        ObjectNode args = TimeSeriesCheckpoints.readConfig(dir, FORMAT);
        args.remove("reference");
        JsonNode tag = args.get("model_type");
        if (tag != null && !TsMixerConfig.MODEL_TYPE.equals(tag.asText())) {
            throw TimeSeriesCheckpoints.refuse(
                    dir,
                    "model_type '"
                            + tag.asText()
                            + "' cannot be imported as "
                            + FORMAT
                            + " (expected "
                            + TsMixerConfig.MODEL_TYPE
                            + ")");
        }
        args.put("model_type", TsMixerConfig.MODEL_TYPE);
        return Configs.bind(args, TsMixerConfig.class, dir.resolve("config.json").toString());
    }

    @Override
    public TsMixerConfig importCheckpoint(Path dir, Path out) throws IOException {
        TsMixerConfig config = readConfig(dir);
        JsonNode reference = TimeSeriesCheckpoints.readConfig(dir, FORMAT).get("reference");
        TimeSeriesCheckpoints.importWeights(
                dir, config, out, TimeSeriesCheckpoints.meta(FORMAT, reference));
        return config;
    }
}
