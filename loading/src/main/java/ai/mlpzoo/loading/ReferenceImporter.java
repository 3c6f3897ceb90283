package ai.mlpzoo.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Imports the checkpoint of a vision reference that has its own layout rather than timm's (MS-MLP,
 * RaftMLP, Strip-MLP): a folder with {@code config.json}, the reference constructor's keyword
 * arguments under its own names plus descriptive keys ({@code reference}, {@code family}, {@code
 * input_size}, {@code outputs}, {@code note}), and {@code model.safetensors}, the reference's
 * {@code state_dict()}. BatchNorm's {@code num_batches_tracked} counters are dropped (they do not
 * act at inference); every other tensor must match the architecture by name and shape. A family
 * whose blocks reuse other families' parts (NiNformer's Mixer block) gives the reference's key of
 * each of our parameter names, so that messages name the checkpoint's keys.
 */
public final class ReferenceImporter implements CheckpointImporter {

    /** Keys of config.json that describe the checkpoint rather than the constructor. */
    private static final Set<String> DESCRIPTIVE =
            Set.of("reference", "family", "input_size", "outputs", "note");

    private final String format;
    private final String modelType;
    private final Class<? extends ModelConfig> type;
    private final UnaryOperator<String> referenceKey;

    /**
     * Creates the importer of one family.
     *
     * @param format the {@code --format} name, the {@code family} of the checkpoint
     * @param modelType the config's {@code model_type}
     * @param type the config class
     */
    public ReferenceImporter(String format, String modelType, Class<? extends ModelConfig> type) {
        this(format, modelType, type, UnaryOperator.identity());
    }

    /**
     * Creates the importer of a family whose parameter names differ from the reference's keys.
     *
     * @param format the {@code --format} name, the {@code family} of the checkpoint
     * @param modelType the config's {@code model_type}
     * @param type the config class
     * @param referenceKey the reference's state-dict key of each of our dotted parameter names
     */
    public ReferenceImporter(
            String format,
            String modelType,
            Class<? extends ModelConfig> type,
            UnaryOperator<String> referenceKey) {
        this.format = format;
        this.modelType = modelType;
        this.type = type;
        this.referenceKey = referenceKey;
    }

    @Override
    public String format() {
        return format;
    }

    /**
     * Reads the architecture from a checkpoint's config.json.
     *
     * @param configJson the file
     * @return the validated config
     * @throws IOException when the file is missing or unreadable
     * @throws ConfigException naming the file and the bad field
     */
    public ModelConfig readConfig(Path configJson) throws IOException {
        String source = configJson.toString();
        JsonNode root =
                Configs.readObject(Configs.readFile(configJson, format + " config.json"), source);
        JsonNode family = root.get("family");
        if (family != null && !format.equals(family.asText())) {
            throw new ConfigException(
                    source
                            + ": a '"
                            + family.asText()
                            + "' checkpoint cannot be imported with --format "
                            + format);
        }
        ObjectNode args = ((ObjectNode) root).deepCopy();
        args.remove(DESCRIPTIVE);
        JsonNode tag = args.get("model_type");
        if (tag != null && !modelType.equals(tag.asText())) {
            throw new ConfigException(
                    source + ": model_type '" + tag.asText() + "' cannot be imported as " + format);
        }
        args.put("model_type", modelType);
        try {
            return Configs.bind(args, type, source);
        } catch (ConfigException e) {
            throw e.getMessage().startsWith(source)
                    ? e
                    : new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ModelConfig importCheckpoint(Path checkpointDir, Path out) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            throw new NoSuchFileException(
                    checkpointDir.toString(), null, "checkpoint folder not found");
        }
        Path configJson = checkpointDir.resolve("config.json");
        ModelConfig config = readConfig(configJson);
        Path weights = checkpointDir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            NDList tensors = new NDList();
            for (NDArray t : SafeTensors.read(manager, weights)) {
                if (!t.getName().endsWith(".num_batches_tracked")) {
                    tensors.add(t);
                }
            }
            Map<String, ai.djl.nn.Parameter> params = new LinkedHashMap<>();
            NamedParameters.of(block).forEach((k, v) -> params.put(referenceKey.apply(k), v));
            StateDicts.load(params, tensors, weights.toString());
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("source", format);
            JsonNode ref =
                    Configs.readObject(Configs.readFile(configJson, "config.json"), "config.json")
                            .get("reference");
            if (ref != null) {
                meta.set("reference", ref);
            }
            ModelDirs.save(out, config, block, Configs.toJson(meta) + "\n", null);
        }
        return config;
    }
}
