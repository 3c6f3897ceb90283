package ai.mlpzoo.loading.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.loading.StateDicts;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Helpers shared by the SAELens and sparsify layouts. */
final class SaeTensors {

    private SaeTensors() {}

    /** Builds and initialises the block of a config, then copies the named tensors into it. */
    static LoadedSae load(NDManager manager, SaeConfig config, NDList tensors, String source) {
        SparseCoder block = config.toBlock();
        block.initialize(manager, DataType.FLOAT32, config.inputShape());
        StateDicts.load(NamedParameters.of(block), tensors, source);
        return new LoadedSae(config, block);
    }

    /**
     * Fails unless the block is of the config's architecture (a format writes the config's fields
     * beside the block's tensors, so a mismatch would save a checkpoint nothing can read).
     */
    static void requireSameArchitecture(SaeConfig config, SparseCoder block) {
        if (!config.architecture.equals(block.architecture())) {
            throw new IllegalArgumentException(
                    "the config says architecture "
                            + config.architecture
                            + " but the block is a "
                            + block.architecture()
                            + " ("
                            + block.getClass().getSimpleName()
                            + ")");
        }
    }

    /** The block's parameters as arrays named by their SAELens names (no copy). */
    static NDList named(SparseCoder block) {
        NDList out = new NDList();
        for (Map.Entry<String, Parameter> e : NamedParameters.of(block).entrySet()) {
            NDArray a = e.getValue().getArray();
            a.setName(e.getKey());
            out.add(a);
        }
        return out;
    }

    static void requireDir(Path dir) throws NoSuchFileException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "checkpoint folder not found");
        }
    }

    static void requireFile(Path file, String what) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " not found");
        }
    }

    static int requiredInt(JsonNode root, String field, String source) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new ConfigException(source + ": field '" + field + "' is missing");
        }
        // a fraction (2.5) or a string ("2") is refused, not truncated or parsed
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ConfigException(
                    source + ": field '" + field + "' must be a whole number, got " + n);
        }
        return n.asInt();
    }

    static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
