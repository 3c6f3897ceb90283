package ai.mlpzoo.loading;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.scalingmlp.BottleneckMlp;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ScalingMlpConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Imports a checkpoint of Scaling MLPs' {@code BottleneckMLP}
 * (github.com/gregorbachmann/scaling_mlps, {@code models/networks.py}): a folder with {@code
 * config.json}, the constructor's keyword arguments under its names ({@code dim_in, dim_out,
 * block_dims, norm}, plus {@code checkpoint} and {@code name} of the repository's {@code
 * get_model}), optional descriptive keys ({@code reference}, {@code family} = "scaling-mlp", {@code
 * outputs}) and {@code input_size} [C, H, W]; and {@code model.safetensors}, the module's {@code
 * state_dict()}. Every tensor must be there with its exact shape.
 */
public final class ScalingMlpImporter implements CheckpointImporter {

    /** The format name, the reference's family name. */
    public static final String FORMAT = "scaling-mlp";

    /** Keys that describe the checkpoint, or load it in Python, rather than the architecture. */
    private static final Set<String> DESCRIPTIVE =
            Set.of("reference", "family", "outputs", "note", "checkpoint");

    @Override
    public String format() {
        return FORMAT;
    }

    /**
     * Reads the architecture from a checkpoint's config.json.
     *
     * @param configJson the file
     * @return the validated config
     * @throws IOException when the file is missing or unreadable
     * @throws ConfigException naming the bad field
     */
    public static ScalingMlpConfig readConfig(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            throw new NoSuchFileException(
                    configJson.toString(), null, "scaling-mlp config.json not found");
        }
        String source = configJson.toString();
        ObjectNode args =
                ((ObjectNode)
                                Configs.readObject(
                                        Configs.readFile(configJson, "scaling-mlp config.json"),
                                        source))
                        .deepCopy();
        JsonNode family = args.get("family");
        if (family != null && !FORMAT.equals(family.asText())) {
            throw new ConfigException(
                    source
                            + ": field 'family' is '"
                            + family.asText()
                            + "'; import it with --format "
                            + family.asText()
                            + ", not "
                            + FORMAT);
        }
        args.remove(DESCRIPTIVE);
        if (args.has("name") && args.get("name").isNull()) {
            args.remove("name");
        }
        args.put("model_type", ScalingMlpConfig.MODEL_TYPE);
        try {
            return Configs.bind(args, ScalingMlpConfig.class, source);
        } catch (ConfigException e) {
            throw e.getMessage().startsWith(source)
                    ? e
                    : new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ScalingMlpConfig importCheckpoint(Path checkpointDir, Path out) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            throw new NoSuchFileException(
                    checkpointDir.toString(), null, "checkpoint folder not found");
        }
        ScalingMlpConfig config = readConfig(checkpointDir.resolve("config.json"));
        Path weights = checkpointDir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            BottleneckMlp block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            StateDicts.load(
                    NamedParameters.of(block),
                    SafeTensors.read(manager, weights),
                    weights.toString());
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("source", FORMAT);
            JsonNode root = Configs.MAPPER.readTree(checkpointDir.resolve("config.json").toFile());
            for (String key : new String[] {"reference", "input_size"}) {
                if (root.hasNonNull(key)) {
                    meta.set(key, root.get(key));
                }
            }
            ModelDirs.save(out, config, block, Configs.toJson(meta) + "\n", null);
        }
        return config;
    }
}
