package ai.mlpzoo.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads, writes and looks up model configurations. Named variants are JSON resources under {@code
 * ai/mlpzoo/config/variants/}, listed in its {@code index.txt}.
 */
public final class Configs {

    /** The shared mapper: unknown fields are errors, so that a typo never passes silently. */
    public static final ObjectMapper MAPPER = newMapper();

    /**
     * Unknown fields are errors, and so are a fraction or a string where a whole number is expected
     * ({@code "num_blocks": 2.5} was read as 2, {@code "2"} as 2): a size is never guessed.
     */
    private static ObjectMapper newMapper() {
        ObjectMapper m =
                new ObjectMapper()
                        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                        .enable(SerializationFeature.INDENT_OUTPUT);
        for (com.fasterxml.jackson.databind.type.LogicalType t :
                new com.fasterxml.jackson.databind.type.LogicalType[] {
                    com.fasterxml.jackson.databind.type.LogicalType.Integer,
                    com.fasterxml.jackson.databind.type.LogicalType.Float,
                    com.fasterxml.jackson.databind.type.LogicalType.Boolean
                }) {
            m.coercionConfigFor(t)
                    .setCoercion(
                            com.fasterxml.jackson.databind.cfg.CoercionInputShape.String,
                            com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
        }
        return m;
    }

    private static final String VARIANTS = "ai/mlpzoo/config/variants/";

    /**
     * The largest config file read: configs are a few kilobytes, so a larger file is not one, and
     * reading it whole would only spend memory.
     */
    public static final long MAX_CONFIG_BYTES = 16L << 20;

    private Configs() {}

    /**
     * @return the names of every shipped variant, in index order
     */
    public static List<String> variantNames() {
        try (InputStream is = resource(VARIANTS + "index.txt")) {
            List<String> names = new ArrayList<>();
            for (String line : new String(is.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.trim();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line);
                }
            }
            return Collections.unmodifiableList(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads a shipped variant of any family (its JSON's {@code model_type} picks the config class;
     * Mixer-family variants carry none).
     *
     * @param name the variant, such as {@code mixer_fmnist} or {@code kan_fmnist}
     * @return a fresh, validated config
     * @throws ConfigException naming the variants that exist when {@code name} is not one
     */
    public static ModelConfig variant(String name) {
        if (!variantNames().contains(name)) {
            throw new ConfigException(
                    "unknown architecture '"
                            + name
                            + "'; known: "
                            + String.join(", ", variantNames()));
        }
        try (InputStream is = resource(VARIANTS + name + ".json")) {
            return read(is.readAllBytes(), name + ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads a shipped Mixer-family variant.
     *
     * @param name the variant, such as {@code mixer_b16_224}
     * @return a fresh, validated config
     * @throws ConfigException naming the variants that exist when {@code name} is not one
     */
    public static MixerConfig mixerVariant(String name) {
        if (!variantNames().contains(name)) {
            throw new ConfigException(
                    "unknown architecture '"
                            + name
                            + "'; known: "
                            + String.join(", ", variantNames()));
        }
        try (InputStream is = resource(VARIANTS + name + ".json")) {
            ModelConfig c = read(is.readAllBytes(), name + ".json");
            if (!(c instanceof MixerConfig)) {
                throw new ConfigException(
                        name + " is a " + c.modelType() + " variant, not a Mixer-family one");
            }
            return (MixerConfig) c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses and validates a Mixer-family config (the retired {@code kan_mixer} form included).
     *
     * @param json the JSON bytes
     * @param source where they came from, for messages
     * @return the config
     * @throws ConfigException when it is another family's config, or invalid
     */
    public static MixerConfig readMixer(byte[] json, String source) {
        ModelConfig c = read(json, source);
        if (!(c instanceof MixerConfig)) {
            throw new ConfigException(
                    source + ": a " + c.modelType() + " config, not a Mixer-family one");
        }
        return (MixerConfig) c;
    }

    /**
     * Parses any family's config by its {@code model_type} tag (looked up in {@link Families}); a
     * retired tag is read and upgraded, so that old files keep loading.
     *
     * @param json the JSON bytes
     * @param source where they came from, for messages
     * @return the validated config
     */
    public static ModelConfig read(byte[] json, String source) {
        JsonNode tree = readObject(json, source);
        JsonNode type = tree.get("model_type");
        return Families.read(type == null ? MixerConfig.MODEL_TYPE : type.asText(), tree, source);
    }

    /**
     * Parses a JSON object, refusing anything else with a message naming the source.
     *
     * @param json the JSON bytes
     * @param source where they came from, for messages
     * @return the object
     * @throws ConfigException when the bytes are not a JSON object
     */
    public static JsonNode readObject(byte[] json, String source) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new ConfigException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(source + ": expected a JSON object");
        }
        return tree;
    }

    /**
     * Binds a JSON tree to a config class and validates it.
     *
     * @param tree the JSON object
     * @param cls the config class
     * @param source where the JSON came from, for messages
     * @param <T> the config type
     * @return the validated config
     */
    public static <T extends ModelConfig> T bind(JsonNode tree, Class<T> cls, String source) {
        T config = map(tree, cls, source);
        validate(config, source);
        return config;
    }

    /**
     * Validates a config read from a file, naming the file in the message: the rules name the
     * field, the file is the caller's to say.
     *
     * @param config the config
     * @param source where it came from
     * @param <T> the config type
     * @return the config
     * @throws ConfigException naming the source and the field
     */
    static <T extends ModelConfig> T validate(T config, String source) {
        try {
            config.validate();
            return config;
        } catch (ConfigException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source + ": ")) {
                throw e;
            }
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    /** Binds a JSON tree to a class without validating it; messages name the source and field. */
    static <T> T map(JsonNode tree, Class<T> cls, String source) {
        try {
            return MAPPER.treeToValue(tree, cls);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(source + ": unknown field '" + e.getPropertyName() + "'", e);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw new ConfigException(source + ": " + mismatch(e), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    source + ": not a valid config: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A value of the wrong kind, said in the config's terms: {@code field 'num_blocks' must be a
     * whole number, got 2.5} rather than Jackson's advice on its coercion settings.
     */
    private static String mismatch(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        Class<?> type = e.getTargetType();
        while (type != null && type.isArray()) {
            type = type.getComponentType();
        }
        String kind;
        if (type == int.class
                || type == Integer.class
                || type == long.class
                || type == Long.class) {
            kind = "a whole number";
        } else if (type == double.class || type == Double.class || type == float.class) {
            kind = "a number";
        } else if (type == boolean.class || type == Boolean.class) {
            kind = "true or false";
        } else {
            return field(e) + e.getOriginalMessage().replaceAll(" \\(but [^)]*\\)", "");
        }
        String f = field(e);
        String got =
                e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException
                        ? ", got "
                                + quoted(
                                        ((com.fasterxml.jackson.databind.exc.InvalidFormatException)
                                                        e)
                                                .getValue())
                        : "";
        return (f.startsWith("field") ? f.substring(0, f.length() - 2) : "a value")
                + " must be "
                + kind
                + got;
    }

    private static String quoted(Object v) {
        return v instanceof String ? "\"" + v + "\" (a string)" : String.valueOf(v);
    }

    /** The field a mismatched value sits in, e.g. {@code "field 'num_blocks': "}. */
    private static String field(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "not a valid config: " : "field '" + path + "': ";
    }

    /**
     * Reads a Mixer-family config file.
     *
     * @param file the JSON file
     * @return the config
     * @throws IOException when the file cannot be read
     */
    public static MixerConfig readMixer(Path file) throws IOException {
        return readMixer(readFile(file, "config file"), file.toString());
    }

    /**
     * Reads a JSON file whole, bounded: the one way config files are read, so that a FIFO, a device
     * or a huge file is refused with a message instead of hanging or exhausting the heap.
     *
     * @param file the file
     * @param what what the file is, for messages (e.g. {@code "timm config.json"})
     * @return its bytes
     * @throws java.nio.file.NoSuchFileException when it is missing
     * @throws IOException when it is not a regular file, is larger than {@link #MAX_CONFIG_BYTES}
     *     or cannot be read
     */
    public static byte[] readFile(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, what + " not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": " + what + " is not a regular file");
        }
        long size = Files.size(file);
        if (size > MAX_CONFIG_BYTES) {
            throw new IOException(
                    file
                            + ": "
                            + what
                            + " is "
                            + size
                            + " bytes, more than the "
                            + MAX_CONFIG_BYTES
                            + " bytes a config may have");
        }
        try (InputStream in = Files.newInputStream(file)) {
            // Read one byte past the limit: a file that grew since size() is refused too.
            byte[] bytes = in.readNBytes((int) MAX_CONFIG_BYTES + 1);
            if (bytes.length > MAX_CONFIG_BYTES) {
                throw new IOException(
                        file + ": " + what + " is larger than " + MAX_CONFIG_BYTES + " bytes");
            }
            return bytes;
        }
    }

    /**
     * Refuses an architecture whose weights alone (a lower bound of the parameter count, as
     * float32) exceed the JVM's maximum heap, before any block is built; the simple bound of the
     * families that state no {@link Footprint} yet.
     *
     * @param parameters a lower bound of the parameter count
     * @param fields the fields that set it, for the message
     * @throws ConfigException naming the fields, the estimate and the limit
     */
    public static void checkFits(double parameters, String fields) {
        double bytes = parameters * Float.BYTES;
        long limit = Runtime.getRuntime().maxMemory();
        if (bytes > limit || Double.isNaN(bytes)) {
            throw new ConfigException(
                    String.format(
                            java.util.Locale.ROOT,
                            "%s: the model would have at least %.3g parameters (%.3g GB of float32"
                                    + " weights), more than this JVM can hold (max heap %.3g GB);"
                                    + " lower these fields or raise -Xmx",
                            fields,
                            parameters,
                            bytes / 1e9,
                            limit / 1e9));
        }
    }

    /**
     * Refuses an architecture too large for this machine before any block is built: building one
     * first would run for minutes and end in an OutOfMemoryError. Two bounds: the float32 weights
     * and one sample's activations against the machine's memory (on PyTorch tensors live outside
     * the Java heap, so the heap is not their limit), and the block tree's own objects against the
     * maximum heap.
     *
     * @param f the config's estimate
     * @throws ConfigException stating the estimate, the limit and the field to reduce
     */
    public static void checkFits(Footprint f) {
        double tensors = f.tensorBytes();
        long memory = machineMemory();
        if (tensors > memory || Double.isNaN(tensors)) {
            throw new ConfigException(
                    String.format(
                            java.util.Locale.ROOT,
                            "%s: the model would need about %s (%.3g float32 parameters: %s of"
                                    + " weights, plus %s of activations per sample), more than this"
                                    + " machine's %s of memory; reduce %s",
                            f.fields(),
                            Footprint.bytes(tensors),
                            f.parameters(),
                            Footprint.bytes(f.parameters() * Float.BYTES),
                            Footprint.bytes(f.activations() * Float.BYTES),
                            Footprint.bytes(memory),
                            f.reduce()));
        }
        double heap = f.heapBytes();
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (heap > maxHeap || Double.isNaN(heap)) {
            throw new ConfigException(
                    String.format(
                            java.util.Locale.ROOT,
                            "%s: building the model would take about %s of Java heap (%.3g"
                                    + " sub-blocks of about %s each) before any weight exists,"
                                    + " more than the max heap of %s; reduce %s (or raise -Xmx)",
                            f.fields(),
                            Footprint.bytes(heap),
                            f.modules(),
                            Footprint.bytes(Footprint.HEAP_BYTES_PER_MODULE),
                            Footprint.bytes(maxHeap),
                            f.reduce()));
        }
    }

    /**
     * @return the memory of this machine, or of its container when one limits it (the JDK reads the
     *     cgroup limit); the maximum heap when the platform does not say
     */
    static long machineMemory() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            long total = ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
            if (total > 0) {
                return total;
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Applies overrides (timm's {@code model_args}) to a config and validates the result.
     *
     * @param base the config to update in place
     * @param overrides a JSON object of fields
     * @param source where the overrides came from, for messages
     * @param <T> the config type
     * @return the updated config
     * @param <T> the config type
     */
    @SuppressWarnings("unchecked")
    public static <T extends ModelConfig> T override(T base, JsonNode overrides, String source) {
        try {
            T updated = MAPPER.readerForUpdating(base).readValue(overrides);
            try {
                return (T) updated.validate();
            } catch (ConfigException e) {
                // name the file the bad value came from, not only the field
                throw e.getMessage().startsWith(source)
                        ? e
                        : new ConfigException(source + ": " + e.getMessage(), e);
            }
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(
                    source + ": unsupported argument '" + e.getPropertyName() + "'", e);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw new ConfigException(source + ": " + mismatch(e), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Serialises any config.
     *
     * @param config the config
     * @return pretty JSON
     */
    public static String toJson(Object config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String path) throws IOException {
        InputStream is = Configs.class.getClassLoader().getResourceAsStream(path);
        if (is == null) {
            throw new IOException("missing resource " + path);
        }
        return is;
    }
}
