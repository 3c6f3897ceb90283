package ai.mlpzoo.loading.timeseries;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.TimeMixerConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointImporter;
import ai.mlpzoo.loading.StateDicts;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Imports a checkpoint of the TimeMixer reference (github.com/kwuking/TimeMixer, {@code
 * models/TimeMixer.py}): a folder with {@code config.json}, {@code "model": "TimeMixer"} plus the
 * run's arguments under run.py's names (arguments the model does not read, such as {@code
 * learning_rate}, are ignored), and {@code model.safetensors}, the model's {@code state_dict()}.
 *
 * <p>Two kinds of tensors of the state dict are built by the reference but never used in its
 * forward, and are skipped: {@code enc_embedding.position_embedding.pe} (a sinusoidal buffer) and
 * {@code pdm_blocks.l.layer_norm.*}. Every other tensor must be there with the exact shape.
 *
 * <p>Whether the model takes time marks is not in the reference's arguments (it passes {@code
 * x_mark_enc} or None at call time): add {@code "use_time_marks": true} to config.json for a model
 * trained with marks (the published ETT runs were).
 */
public final class TimeMixerImporter implements CheckpointImporter {

    /** The format name. */
    public static final String FORMAT = "timemixer";

    /** Unused tensors of the reference's state dict. */
    private static final Pattern UNUSED =
            Pattern.compile(
                    "enc_embedding\\.position_embedding\\.pe|pdm_blocks\\.\\d+\\.layer_norm\\.\\w+");

    /** config.json keys that describe the checkpoint rather than the architecture. */
    private static final Set<String> DESCRIPTIVE = Set.of("model", "reference", "note");

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
     * @throws ConfigException when it is not a TimeMixer run's arguments, or a field is bad
     */
    public static TimeMixerConfig readConfig(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            throw new NoSuchFileException(
                    configJson.toString(), null, "TimeMixer config.json not found");
        }
        String source = configJson.toString();
        JsonNode root = Configs.readObject(Files.readAllBytes(configJson), source);
        JsonNode model = root.get("model");
        if (model == null || !"TimeMixer".equals(model.asText())) {
            throw new ConfigException(
                    source
                            + ": field 'model' must be \"TimeMixer\" (the run's --model), got "
                            + (model == null ? "none" : model.toString()));
        }
        ObjectNode all = Configs.MAPPER.valueToTree(new TimeMixerConfig());
        ObjectNode args = Configs.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // run.py's other arguments (training, data) are not the architecture's
            if (all.has(e.getKey()) && !DESCRIPTIVE.contains(e.getKey())) {
                args.set(e.getKey(), e.getValue());
            }
        }
        args.put("model_type", TimeMixerConfig.MODEL_TYPE);
        try {
            return Configs.bind(args, TimeMixerConfig.class, source);
        } catch (ConfigException e) {
            throw e.getMessage().startsWith(source)
                    ? e
                    : new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public TimeMixerConfig importCheckpoint(Path checkpointDir, Path out) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            throw new NoSuchFileException(
                    checkpointDir.toString(), null, "checkpoint folder not found");
        }
        TimeMixerConfig config = readConfig(checkpointDir.resolve("config.json"));
        Path weights = checkpointDir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            NDList used = new NDList();
            List<String> skipped = new ArrayList<>();
            for (NDArray t : SafeTensors.read(manager, weights)) {
                if (UNUSED.matcher(t.getName()).matches()) {
                    skipped.add(t.getName());
                } else {
                    used.add(t);
                }
            }
            StateDicts.load(NamedParameters.of(block), used, weights.toString());
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("source", FORMAT);
            ArrayNode unused = meta.putArray("skipped_unused_tensors");
            skipped.forEach(unused::add);
            ModelDirs.save(out, config, block, Configs.toJson(meta) + "\n", null);
        }
        return config;
    }
}
