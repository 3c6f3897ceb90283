package ai.mlpzoo.loading;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.MixerConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Imports a timm checkpoint as kept from the Hugging Face hub: a folder with {@code config.json}
 * ({@code architecture}, {@code num_classes}, optional {@code model_args} overriding the registered
 * architecture's arguments, optional {@code pretrained_cfg}) and {@code model.safetensors} (timm's
 * state-dict names).
 */
public final class TimmImporter {

    private TimmImporter() {}

    /**
     * Reads the architecture a timm {@code config.json} describes.
     *
     * @param configJson the file
     * @return the validated architecture
     * @throws IOException when the file is missing or not JSON
     */
    public static MixerConfig readConfig(Path configJson) throws IOException {
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

    private static MixerConfig readConfig(JsonNode root, String source) {
        JsonNode arch = root.get("architecture");
        if (arch == null || !arch.isTextual()) {
            throw new ConfigException(
                    source
                            + ": field 'architecture' is missing: not a timm config.json; pass the"
                            + " --format of the library that wrote the checkpoint");
        }
        // hub names may carry a pretrained tag: mixer_b16_224.goog_in21k_ft_in1k
        String name = arch.asText().split("\\.", 2)[0];
        MixerConfig config;
        try {
            config = Configs.mixerVariant(name);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
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
        config = Configs.override(config, overrides, source);
        config.name = name;
        return config;
    }

    /**
     * Imports a checkpoint folder into a model directory.
     *
     * @param checkpointDir the timm folder
     * @param out the model directory to write
     * @return the imported architecture
     * @throws IOException when a file is missing, truncated or corrupt
     */
    public static MixerConfig importCheckpoint(Path checkpointDir, Path out) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            throw new NoSuchFileException(
                    checkpointDir.toString(), null, "checkpoint folder not found");
        }
        Path configJson = checkpointDir.resolve("config.json");
        JsonNode root = readRoot(configJson);
        MixerConfig config = readConfig(root, configJson.toString());
        Path weights = checkpointDir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMixer block = config.toBlock();
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
