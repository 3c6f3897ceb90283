package ai.mlpzoo.loading.timeseries;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import ai.mlpzoo.loading.StateDicts;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the time-series importers share: reading a checkpoint folder's {@code config.json}, loading
 * {@code model.safetensors} onto a block (PyTorch BatchNorm's {@code num_batches_tracked} counters
 * included) and writing the model directory.
 */
final class TimeSeriesCheckpoints {

    /** PyTorch BatchNorm's step counter: an int64 scalar that no forward pass reads. */
    static final String COUNTER = "num_batches_tracked";

    private TimeSeriesCheckpoints() {}

    /**
     * Reads a checkpoint folder's {@code config.json} as a JSON object.
     *
     * @param dir the checkpoint folder
     * @param format the format's name, for messages
     * @return a copy the caller may edit
     * @throws IOException when the folder or the file is missing
     */
    static ObjectNode readConfig(Path dir, String format) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "checkpoint folder not found");
        }
        Path file = dir.resolve("config.json");
        JsonNode tree =
                Configs.readObject(
                        Configs.readFile(file, format + " config.json"), file.toString());
        return ((ObjectNode) tree).deepCopy();
    }

    /**
     * Builds the block of {@code config}, loads the folder's {@code model.safetensors} onto it and
     * writes the model directory.
     *
     * @param dir the checkpoint folder
     * @param config the architecture read from it
     * @param out the model directory to write
     * @param meta the weight metadata
     * @throws IOException when the weights are missing or unreadable
     * @throws CheckpointException naming a missing, unexpected or misshaped tensor
     */
    static void importWeights(Path dir, ModelConfig config, Path out, ObjectNode meta)
            throws IOException {
        Path weights = dir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            NDList tensors = SafeTensors.read(manager, weights);
            Map<String, Parameter> params = NamedParameters.of(block);
            StateDicts.load(
                    params,
                    withoutCounters(params, tensors, weights.toString()),
                    weights.toString());
            ModelDirs.save(out, config, block, Configs.toJson(meta) + "\n", null);
        }
    }

    /**
     * Drops PyTorch BatchNorm's {@code num_batches_tracked} counters from a state dict, after
     * checking each: it must belong to a norm of the architecture (one with {@code running_mean})
     * and be an integer scalar (shape [], as PyTorch saves it, or a single element). A missing
     * counter is accepted, as PyTorch's own loader accepts checkpoints written before it existed.
     *
     * @param params the block's parameters by state-dict name
     * @param tensors the checkpoint's tensors
     * @param source the file, for messages
     * @return the tensors without the counters
     * @throws CheckpointException naming a counter that is misshaped or belongs to no norm
     */
    static NDList withoutCounters(Map<String, Parameter> params, NDList tensors, String source) {
        NDList kept = new NDList();
        for (NDArray t : tensors) {
            String name = t.getName();
            if (name == null || !(name.equals(COUNTER) || name.endsWith("." + COUNTER))) {
                kept.add(t);
                continue;
            }
            String prefix = name.substring(0, name.length() - COUNTER.length());
            if (!params.containsKey(prefix + "running_mean")) {
                throw new CheckpointException(
                        source
                                + ": unexpected tensor(s) "
                                + name
                                + " that the architecture lacks (it has no BatchNorm there)");
            }
            if (t.getShape().size() != 1 || t.getShape().dimension() > 1) {
                throw new CheckpointException(
                        source
                                + ": tensor '"
                                + name
                                + "' has shape "
                                + t.getShape()
                                + " but a BatchNorm counter is a scalar, shape ()");
            }
            if (t.getDataType().isFloating() || t.getDataType() == DataType.BOOLEAN) {
                throw new CheckpointException(
                        source
                                + ": tensor '"
                                + name
                                + "' is "
                                + t.getDataType()
                                + " but a BatchNorm counter is an integer (int64)");
            }
        }
        return kept;
    }

    /**
     * The metadata of an imported checkpoint.
     *
     * @param format the format
     * @param reference the config's {@code reference} note, or null
     * @return {"source": format, "reference": ...}
     */
    static ObjectNode meta(String format, JsonNode reference) {
        ObjectNode meta = Configs.MAPPER.createObjectNode();
        meta.put("source", format);
        if (reference != null) {
            meta.set("reference", reference);
        }
        return meta;
    }

    /** A config error naming the file, for a field this format refuses. */
    static ConfigException refuse(Path dir, String message) {
        return new ConfigException(dir.resolve("config.json") + ": " + message);
    }
}
