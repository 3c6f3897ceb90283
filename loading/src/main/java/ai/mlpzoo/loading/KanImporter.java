package ai.mlpzoo.loading;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.Families;
import ai.mlpzoo.config.ModelConfig;
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
 * Imports the KAN references' checkpoints: a folder with {@code config.json} (the constructor
 * arguments, plus optional descriptive keys {@code reference}, {@code family}, {@code outputs},
 * {@code note}) and {@code model.safetensors} (the module's state dict, buffers included).
 */
public final class KanImporter implements CheckpointImporter {

    /** Descriptive keys a checkpoint's config.json may carry besides the constructor arguments. */
    private static final Set<String> DESCRIPTIVE = Set.of("reference", "family", "outputs", "note");

    private final String format;
    private final Class<? extends ModelConfig> type;
    private final String modelType;

    private KanImporter(String format, Families.Kan kind) {
        this.format = format;
        this.type = kind.configClass();
        this.modelType = kind.modelType();
    }

    /**
     * @return efficient-kan's {@code KAN} (B-spline) importer
     */
    public static KanImporter efficientKan() {
        return new KanImporter("efficient-kan", Families.kan("bspline"));
    }

    /**
     * @return fast-kan's {@code FastKAN} (RBF) importer
     */
    public static KanImporter fastKan() {
        return new KanImporter("fast-kan", Families.kan("rbf"));
    }

    /**
     * @return rational_kat_cu's {@code KAT_Group} (GR-KAN) importer
     */
    public static KanImporter katRational() {
        return new KanImporter("kat-rational", Families.kan("rational"));
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
     * @throws IOException when the file is missing or not JSON
     */
    public ModelConfig readConfig(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            throw new NoSuchFileException(
                    configJson.toString(), null, format + " config.json not found");
        }
        String source = configJson.toString();
        JsonNode root;
        try {
            root = Configs.MAPPER.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ConfigException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected a JSON object of constructor arguments");
        }
        ObjectNode args = ((ObjectNode) root).deepCopy();
        args.remove(DESCRIPTIVE);
        JsonNode tag = args.get("model_type");
        if (tag != null && !modelType.equals(tag.asText())) {
            throw new ConfigException(
                    source + ": model_type '" + tag.asText() + "' cannot be imported as " + format);
        }
        args.put("model_type", modelType);
        return Configs.bind(args, type, source);
    }

    @Override
    public ModelConfig importCheckpoint(Path checkpointDir, Path out) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            throw new NoSuchFileException(
                    checkpointDir.toString(), null, "checkpoint folder not found");
        }
        ModelConfig config = readConfig(checkpointDir.resolve("config.json"));
        Path weights = checkpointDir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            NDList tensors = SafeTensors.read(manager, weights);
            StateDicts.load(NamedParameters.of(block), tensors, weights.toString());
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("source", format);
            JsonNode ref =
                    Configs.MAPPER
                            .readTree(checkpointDir.resolve("config.json").toFile())
                            .get("reference");
            if (ref != null) {
                meta.set("reference", ref);
            }
            ModelDirs.save(out, config, block, Configs.toJson(meta) + "\n", null);
        }
        return config;
    }
}
