package ai.mlpzoo.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.repmlp.RepMlpNet;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.RepMlpConfig;
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
 * Imports a checkpoint of RepMLPNet (github.com/DingXiaoH/RepMLP, {@code repmlpnet.py}): a folder
 * with {@code config.json}, the {@code RepMLPNet} constructor's keyword arguments under its names
 * ({@code in_channels, num_class, patch_size, num_blocks, channels, hs, ws, sharesets_nums,
 * reparam_conv_k, globalperceptron_reduce, use_checkpoint, deploy}), {@code input_size} [C, H, W]
 * and optional descriptive keys ({@code reference}, {@code family} = "repmlp", {@code outputs});
 * and {@code model.safetensors}, the module's {@code state_dict()}. {@code deploy} false is the
 * training structure (fc3 without bias, {@code fc3_bn}, {@code repconv{k}}); true is the structure
 * after {@code locality_injection()} (fc3 with bias, nothing else). BatchNorm's {@code
 * num_batches_tracked} counters are dropped; every other tensor must be there with its exact shape.
 */
public final class RepMlpImporter implements CheckpointImporter {

    /** The format name, the reference's family name. */
    public static final String FORMAT = "repmlp";

    /** Keys that describe the checkpoint rather than the architecture. */
    private static final Set<String> DESCRIPTIVE = Set.of("reference", "family", "outputs", "note");

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
     * @throws ConfigException naming the file and the bad field
     */
    public static RepMlpConfig readConfig(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            throw new NoSuchFileException(
                    configJson.toString(), null, "repmlp config.json not found");
        }
        String source = configJson.toString();
        ObjectNode args =
                ((ObjectNode)
                                Configs.readObject(
                                        Configs.readFile(configJson, "repmlp config.json"), source))
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
        JsonNode tag = args.get("model_type");
        if (tag != null && !RepMlpConfig.MODEL_TYPE.equals(tag.asText())) {
            throw new ConfigException(
                    source + ": model_type '" + tag.asText() + "' cannot be imported as " + FORMAT);
        }
        args.put("model_type", RepMlpConfig.MODEL_TYPE);
        try {
            return Configs.bind(args, RepMlpConfig.class, source);
        } catch (ConfigException e) {
            throw e.getMessage().startsWith(source)
                    ? e
                    : new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public RepMlpConfig importCheckpoint(Path checkpointDir, Path out) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            throw new NoSuchFileException(
                    checkpointDir.toString(), null, "checkpoint folder not found");
        }
        Path configJson = checkpointDir.resolve("config.json");
        RepMlpConfig config = readConfig(configJson);
        Path weights = checkpointDir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            RepMlpNet block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            NDList tensors = new NDList();
            for (NDArray t : SafeTensors.read(manager, weights)) {
                if (!t.getName().endsWith(".num_batches_tracked")) {
                    tensors.add(t);
                }
            }
            StateDicts.load(NamedParameters.of(block), tensors, weights.toString());
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("source", FORMAT);
            JsonNode ref = Configs.MAPPER.readTree(configJson.toFile()).get("reference");
            if (ref != null) {
                meta.set("reference", ref);
            }
            ModelDirs.save(out, config, block, Configs.toJson(meta) + "\n", null);
        }
        return config;
    }
}
