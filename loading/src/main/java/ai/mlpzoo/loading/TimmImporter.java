package ai.mlpzoo.loading;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.Families;
import ai.mlpzoo.config.KatConfig;
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

/**
 * Imports a timm checkpoint as kept from the Hugging Face hub: a folder with {@code config.json}
 * ({@code architecture}, {@code num_classes}, optional {@code model_args} overriding the registered
 * architecture's arguments, optional {@code pretrained_cfg}) and {@code model.safetensors} (timm's
 * state-dict names). The architecture is looked up among the named variants of the timm families
 * ({@link Families#isTimm}): the Mixer family (MLP-Mixer, ResMLP, gMLP, gMixer) and MetaFormer
 * (PoolFormer v1 and v2).
 */
public final class TimmImporter {

    /**
     * How the state dict of an architecture that timm registers, but that is not a Mixer-family
     * one, becomes our parameters' names (KAT's fused {@code qkv}, for one).
     */
    @FunctionalInterface
    public interface Family {
        /**
         * Renames or splits the checkpoint's tensors into the block's state-dict names.
         *
         * @param config the architecture
         * @param tensors the checkpoint's tensors, by timm's names
         * @param source the checkpoint, for messages
         * @return the tensors by our names
         * @throws CheckpointException naming a missing or misshaped tensor
         */
        NDList adapt(ModelConfig config, NDList tensors, String source);
    }

    /** Non-Mixer timm architectures, by the config class of their shipped variants. */
    private static final Map<Class<? extends ModelConfig>, Family> FAMILIES = new LinkedHashMap<>();

    static {
        // vision, part 2 (issue 18)
        register(KatConfig.class, KatTimm::adapt);
    }

    private TimmImporter() {}

    /**
     * Registers a timm architecture family whose variants are configs of {@code type}.
     *
     * @param type the config class of its variants
     * @param family how its state dict maps to the block's parameters
     */
    public static synchronized void register(Class<? extends ModelConfig> type, Family family) {
        FAMILIES.put(type, family);
    }

    private static synchronized Family family(Class<?> type) {
        return FAMILIES.get(type);
    }

    /**
     * Imports a checkpoint of any architecture timm registers that the zoo ships a variant of: the
     * Mixer family, or a registered {@link Family} (KAT).
     *
     * @param checkpointDir the timm folder
     * @param out the model directory to write
     * @return the imported architecture
     * @throws IOException when a file is missing, truncated or corrupt
     */
    public static ModelConfig importAny(Path checkpointDir, Path out) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            throw new NoSuchFileException(
                    checkpointDir.toString(), null, "checkpoint folder not found");
        }
        Path configJson = checkpointDir.resolve("config.json");
        JsonNode root = readRoot(configJson);
        String source = configJson.toString();
        String name = architecture(root, source);
        ModelConfig variant;
        try {
            variant = Configs.variant(name);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        if (Families.isTimm(variant)) { // the Mixer family and MetaFormer: by timm's own keys
            return importCheckpoint(checkpointDir, out);
        }
        Family family = family(variant.getClass());
        if (family == null) {
            throw new ConfigException(
                    source
                            + ": '"
                            + name
                            + "' is a "
                            + variant.modelType()
                            + " variant, not an architecture timm checkpoints hold");
        }
        ObjectNode overrides = overrides(root);
        overrides.put("name", name);
        ModelConfig config;
        try {
            config = Configs.override(variant, overrides, source);
        } catch (ConfigException e) {
            throw e.getMessage().startsWith(source)
                    ? e
                    : new ConfigException(source + ": " + e.getMessage(), e);
        }
        Path weights = checkpointDir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            NDList tensors =
                    family.adapt(config, SafeTensors.read(manager, weights), weights.toString());
            StateDicts.load(NamedParameters.of(block), tensors, weights.toString());
            ModelDirs.save(out, config, block, metadata(root), null);
        }
        return config;
    }

    private static String architecture(JsonNode root, String source) {
        JsonNode arch = root.get("architecture");
        if (arch == null || !arch.isTextual()) {
            throw new ConfigException(
                    source
                            + ": field 'architecture' is missing: not a timm config.json; pass the"
                            + " --format of the library that wrote the checkpoint");
        }
        // hub names may carry a pretrained tag: mixer_b16_224.goog_in21k_ft_in1k
        return arch.asText().split("\\.", 2)[0];
    }

    private static ObjectNode overrides(JsonNode root) {
        ObjectNode overrides = Configs.MAPPER.createObjectNode();
        JsonNode args = root.get("model_args");
        if (args != null && args.isObject()) {
            overrides.setAll((ObjectNode) args);
        }
        JsonNode classes = root.get("num_classes");
        if (classes != null && !overrides.has("num_classes")) {
            overrides.set("num_classes", classes);
        }
        return overrides;
    }

    /**
     * Reads the architecture a timm {@code config.json} describes.
     *
     * @param configJson the file
     * @return the validated architecture
     * @throws IOException when the file is missing or not JSON
     */
    public static ModelConfig readConfig(Path configJson) throws IOException {
        return readConfig(readRoot(configJson), configJson.toString());
    }

    private static JsonNode readRoot(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            throw new NoSuchFileException(
                    configJson.toString(), null, "timm config.json not found");
        }
        return Configs.readObject(
                Configs.readFile(configJson, "timm config.json"), configJson.toString());
    }

    private static ModelConfig readConfig(JsonNode root, String source) {
        JsonNode arch = root.get("architecture");
        if (arch == null || !arch.isTextual()) {
            throw new ConfigException(
                    source
                            + ": field 'architecture' is missing: not a timm config.json; pass the"
                            + " --format of the library that wrote the checkpoint");
        }
        // hub names may carry a pretrained tag: mixer_b16_224.goog_in21k_ft_in1k
        String name = arch.asText().split("\\.", 2)[0];
        ModelConfig config;
        try {
            config = Configs.variant(name);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        if (!Families.isTimm(config)) {
            throw new ConfigException(
                    source
                            + ": '"
                            + name
                            + "' is a "
                            + config.modelType()
                            + " variant, not a timm architecture");
        }
        ObjectNode overrides = Configs.MAPPER.createObjectNode();
        JsonNode args = root.get("model_args");
        if (args != null && args.isObject()) {
            overrides.setAll((ObjectNode) args);
        }
        JsonNode classes = root.get("num_classes");
        if (classes != null && !overrides.has("num_classes")) {
            overrides.set("num_classes", classes);
        }
        // A network that takes any size (MetaFormer) has no img_size argument: the size it is fed
        // at is the pretrained_cfg's input_size, [C, H, W]
        JsonNode size = root.path("pretrained_cfg").path("input_size");
        if (!overrides.has("img_size") && size.isArray() && size.size() == 3) {
            if (size.get(1).asInt() != size.get(2).asInt()) {
                throw new ConfigException(
                        source
                                + ": pretrained_cfg.input_size "
                                + size
                                + " is not square; mlp-zoo models take square images");
            }
            overrides.set("img_size", size.get(1));
        }
        overrides.put("name", name);
        return Configs.override(config, overrides, source);
    }

    /**
     * Imports a checkpoint folder into a model directory.
     *
     * @param checkpointDir the timm folder
     * @param out the model directory to write
     * @return the imported architecture
     * @throws IOException when a file is missing, truncated or corrupt
     */
    public static ModelConfig importCheckpoint(Path checkpointDir, Path out) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            throw new NoSuchFileException(
                    checkpointDir.toString(), null, "checkpoint folder not found");
        }
        Path configJson = checkpointDir.resolve("config.json");
        JsonNode root = readRoot(configJson);
        ModelConfig config = readConfig(root, configJson.toString());
        Path weights = checkpointDir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            NDList tensors = SafeTensors.read(manager, weights);
            StateDicts.load(NamedParameters.of(block), tensors, weights.toString());
            ModelDirs.save(out, config, block, metadata(root), null);
        }
        return config;
    }

    private static String metadata(JsonNode root) {
        ObjectNode meta = Configs.MAPPER.createObjectNode();
        meta.put("source", "timm");
        meta.set("architecture", root.get("architecture"));
        JsonNode pre = root.get("pretrained_cfg");
        if (pre != null && pre.isObject()) {
            for (String key : new String[] {"input_size", "mean", "std", "label_names"}) {
                if (pre.has(key)) {
                    meta.set(key, pre.get(key));
                }
            }
        }
        return Configs.toJson(meta) + "\n";
    }
}
