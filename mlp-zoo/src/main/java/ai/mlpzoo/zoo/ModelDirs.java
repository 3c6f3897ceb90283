package ai.mlpzoo.zoo;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ForecastConfig;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.AtomicFiles;
import ai.mlpzoo.translate.ForecastTranslatorFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The layout of an mlp-zoo model directory, which {@code Criteria.builder().optModelPath(dir)}
 * loads:
 *
 * <pre>
 * serving.properties        blockFactory, its arguments, engine, the params file's name
 * architecture.json         the architecture ({@link ModelConfig}, tagged by model_type)
 * model-0000.params         DJL's parameter file
 * model-0000.params.sha256  its checksum, checked before loading
 * metadata.json             optional weight metadata (source, normalisation, class names)
 * </pre>
 */
public final class ModelDirs {

    /** The architecture file. */
    public static final String ARCHITECTURE = "architecture.json";

    /** The optional weight-metadata file. */
    public static final String METADATA = "metadata.json";

    /** The model name, hence the params file's prefix. */
    public static final String MODEL_NAME = "model";

    /** The params file. */
    public static final String PARAMS = MODEL_NAME + "-0000.params";

    /** The checksum of the params file. */
    public static final String CHECKSUM = PARAMS + ".sha256";

    private ModelDirs() {}

    /**
     * Writes a model directory. The files are written to a sibling temporary directory first and
     * renamed into place, so an interrupted save never leaves a half-written model.
     *
     * @param dir the directory to create or replace
     * @param config the architecture
     * @param block the initialised block of that architecture
     * @param metadataJson weight metadata as JSON, or null
     * @param extraProperties further serving.properties entries (e.g. translatorFactory), or null
     * @throws IOException when writing fails
     */
    public static void save(
            Path dir,
            ModelConfig config,
            Block block,
            String metadataJson,
            Map<String, String> extraProperties)
            throws IOException {
        save(dir, config, block, metadataJson, extraProperties, null);
    }

    /** Writes extra files into a model directory before it is renamed into place. */
    @FunctionalInterface
    public interface Extras {
        /**
         * Writes files.
         *
         * @param dir the not-yet-visible directory
         * @throws IOException when writing fails
         */
        void write(Path dir) throws IOException;
    }

    /**
     * Writes a model directory with extra files (a training checkpoint's optimizer state), all made
     * visible in one rename.
     *
     * @param dir the directory to create or replace
     * @param config the architecture
     * @param block the initialised block of that architecture
     * @param metadataJson weight metadata as JSON, or null
     * @param extraProperties further serving.properties entries, or null
     * @param extras writes further files, or null
     * @throws IOException when writing fails
     */
    public static void save(
            Path dir,
            ModelConfig config,
            Block block,
            String metadataJson,
            Map<String, String> extraProperties,
            Extras extras)
            throws IOException {
        if (config instanceof ForecastConfig forecaster) {
            // a forecaster's directory is served by the forecast translator, which needs the
            // window's shape from metadata.json: every writer gets both, whoever calls save
            metadataJson = forecastMetadata(forecaster, metadataJson);
            if (extraProperties == null || !extraProperties.containsKey(TRANSLATOR_FACTORY)) {
                Map<String, String> props = new java.util.LinkedHashMap<>();
                if (extraProperties != null) {
                    props.putAll(extraProperties);
                }
                props.put(TRANSLATOR_FACTORY, ForecastTranslatorFactory.class.getName());
                extraProperties = props;
            }
        }
        Path target = dir.toAbsolutePath().normalize();
        // never delete what we did not write: only an empty folder or a model directory of ours
        // is replaced (callers that replace ours only with --force check that first)
        checkOutput(target, true);
        Path parent = target.getParent();
        Files.createDirectories(parent);
        deleteStaleTemps(parent, target.getFileName().toString());
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        try {
            AtomicFiles.readableByOthers(tmp);
            Files.writeString(tmp.resolve(ARCHITECTURE), architectureJson(config));
            if (metadataJson != null) {
                Files.writeString(tmp.resolve(METADATA), metadataJson);
            }
            StringBuilder props = new StringBuilder();
            props.append("# mlp-zoo model directory: load it with Criteria.optModelPath(dir)\n");
            props.append("engine=PyTorch\n");
            props.append("blockFactory=").append(MlpZooBlockFactory.class.getName()).append('\n');
            props.append("architecture=").append(ARCHITECTURE).append('\n');
            props.append("option.modelName=").append(MODEL_NAME).append('\n');
            if (extraProperties != null) {
                extraProperties.forEach(
                        (k, v) -> props.append(k).append('=').append(v).append('\n'));
            }
            Files.writeString(tmp.resolve("serving.properties"), props.toString());
            try (Model model = Model.newInstance(MODEL_NAME)) {
                model.setBlock(block);
                model.setProperty("Epoch", "0");
                model.save(tmp, MODEL_NAME);
            }
            Files.writeString(tmp.resolve(CHECKSUM), sha256(tmp.resolve(PARAMS)) + "\n");
            if (extras != null) {
                extras.write(tmp);
            }
            fsync(tmp);
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    AtomicFiles.readableByOthers(f);
                }
            }
            replace(tmp, target);
        } finally {
            deleteTree(tmp);
        }
    }

    /** The classes a model directory's serving.properties may name: the project's own. */
    static final java.util.Set<String> OWN_FACTORIES =
            java.util.Set.of(
                    MlpZooBlockFactory.class.getName(),
                    RandomInitBlockFactory.class.getName(),
                    ai.mlpzoo.translate.ImageClassifierFactory.class.getName(),
                    ai.mlpzoo.translate.VectorTranslatorFactory.class.getName(),
                    ai.mlpzoo.translate.ForecastTranslatorFactory.class.getName());

    /**
     * Checks that a model directory is data before DJL reads it. DJL builds a class loader over a
     * model directory's jars, {@code classes/} and {@code libs/} (compiling any Java sources there)
     * and initialises the classes serving.properties names, so a directory from elsewhere could run
     * code. A model directory of ours holds only data files: architecture.json, metadata.json,
     * serving.properties, model-0000.params and model.onnx with their .sha256 checksums. This
     * refuses code in the folder and any class in serving.properties but the project's own
     * factories. The weights' checksums are verified by those factories as they load, on every path
     * ({@link #verifyParams}, and model.onnx on ONNX Runtime), so they are hashed once.
     *
     * @param dir the model directory
     * @throws IOException naming the offending file or property and why it is refused
     */
    public static void checkSafe(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(
                    dir.toString(), null, "model directory not found");
        }
        // Without any of these DJL would look for "<dir>.pt" and say only that it is not found.
        if (!Files.exists(dir.resolve(ARCHITECTURE))
                && !Files.exists(dir.resolve("serving.properties"))
                && !hasWeights(dir)) {
            throw new IOException(
                    dir
                            + " is not an mlp-zoo model directory: it has no "
                            + ARCHITECTURE
                            + ", serving.properties or weights ("
                            + PARAMS
                            + ", model.onnx); make one with mlpzoo import or mlpzoo train");
        }
        try (Stream<Path> walk = Files.walk(dir, 4)) {
            for (Path f : (Iterable<Path>) walk::iterator) {
                String name = f.getFileName().toString();
                boolean codeDir =
                        Files.isDirectory(f)
                                && !f.equals(dir)
                                && (name.equals("classes")
                                        || name.equals("libs")
                                        || name.equals("lib"));
                if (codeDir
                        || name.endsWith(".jar")
                        || name.endsWith(".class")
                        || name.endsWith(".java")) {
                    throw new IOException(
                            dir
                                    + " carries code ("
                                    + dir.relativize(f)
                                    + "): a model directory"
                                    + " is data and is refused when it holds jars, classes or sources, which DJL would"
                                    + " load; remove them (see docs/zoo.md, what a model directory may contain)");
                }
            }
        }
        Path propsFile = dir.resolve("serving.properties");
        if (Files.exists(propsFile)) {
            if (!Files.isRegularFile(propsFile)) {
                throw new IOException(propsFile + " is not a regular file");
            }
            java.util.Properties props = new java.util.Properties();
            try (java.io.Reader r = Files.newBufferedReader(propsFile)) {
                props.load(r);
            }
            for (String key : props.stringPropertyNames()) {
                String value = props.getProperty(key).trim();
                boolean namesClass =
                        key.endsWith("Factory")
                                || key.equals("translator")
                                || key.endsWith(".translator")
                                || key.endsWith("Class");
                if (namesClass && !OWN_FACTORIES.contains(value)) {
                    throw new IOException(
                            propsFile
                                    + ": "
                                    + key
                                    + "="
                                    + value
                                    + " is refused: a model directory"
                                    + " may name only mlp-zoo's own factories "
                                    + new java.util.TreeSet<>(OWN_FACTORIES));
                }
            }
        }
    }

    /**
     * Whether a folder is a model directory this project wrote: it has an architecture file and a
     * serving.properties naming one of our block factories.
     *
     * @param dir the folder
     * @return true for a model directory of ours
     */
    public static boolean isModelDir(Path dir) {
        Path props = dir.resolve("serving.properties");
        if (!Files.isRegularFile(dir.resolve(ARCHITECTURE)) || !Files.isRegularFile(props)) {
            return false;
        }
        try {
            String text = Files.readString(props);
            return text.contains("blockFactory=" + MlpZooBlockFactory.class.getName())
                    || text.contains("blockFactory=" + RandomInitBlockFactory.class.getName());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Refuses an output folder that writing a model directory would destroy: a file, a folder
     * holding anything but a model directory of ours, one of ours unless {@code force}, or a folder
     * that is, holds or lies inside one of the inputs.
     *
     * @param out the model directory to write
     * @param force whether an existing model directory of ours may be replaced
     * @param inputs what the command reads (checkpoints, data), never to be overwritten
     * @throws IOException naming the conflict and the fix
     */
    public static void checkOutput(Path out, boolean force, Path... inputs) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        Path real = Files.exists(target) ? target.toRealPath() : target;
        for (Path in : inputs) {
            if (in == null || !Files.exists(in)) {
                continue;
            }
            Path input = in.toRealPath();
            if (real.startsWith(input) || input.startsWith(real)) {
                throw new IOException(
                        "--out "
                                + out
                                + " would overwrite the input "
                                + in
                                + ": write the model directory somewhere else");
            }
        }
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(
                    out + " exists and is not a folder: name a new folder for the model directory");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        }
        if (!isModelDir(target)) {
            throw new IOException(
                    out
                            + " is a folder with other content, not an mlp-zoo model directory;"
                            + " it is left untouched: name a new or empty folder");
        }
        if (!force) {
            throw new IOException(
                    out + " holds a model directory already: pass --force to replace it");
        }
    }

    /**
     * Verifies every weight file of a model directory against its checksum: the params file (absent
     * only in an architecture-only directory, whose serving.properties says {@code
     * option.hasParameter=false}), and model.onnx and model.int8.onnx when present. A missing,
     * non-regular or mismatched checksum file is an error: a weight file is never loaded unchecked.
     *
     * @param dir the model directory
     * @throws IOException when a file is missing, not regular or does not match
     */
    public static void verify(Path dir) throws IOException {
        verifyParams(dir);
        for (String name : new String[] {"model.onnx", "model.int8.onnx"}) {
            Path onnx = dir.resolve(name);
            if (Files.exists(onnx)) {
                verifyFile(onnx);
            }
        }
    }

    /**
     * Verifies the params file that DJL loads into the block (absent only in an architecture-only
     * directory).
     *
     * @param dir the model directory
     * @throws IOException when the file or its checksum is missing, not regular, or they disagree
     */
    public static void verifyParams(Path dir) throws IOException {
        Path params = dir.resolve(PARAMS);
        if (Files.exists(params) || !architectureOnly(dir)) {
            verifyFile(params);
        }
    }

    private static boolean architectureOnly(Path dir) throws IOException {
        Path propsFile = dir.resolve("serving.properties");
        return Files.isRegularFile(propsFile)
                && Files.readString(propsFile)
                        .lines()
                        .map(String::trim)
                        .anyMatch(l -> l.replace(" ", "").equals("option.hasParameter=false"));
    }

    /**
     * Checks one weight file against {@code <file>.sha256}.
     *
     * @param file the weight file
     * @throws IOException when the file or its checksum is missing, not regular, or they disagree
     */
    public static void verifyFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("weight file " + file + " is missing or not a regular file");
        }
        Path sum = file.resolveSibling(file.getFileName() + ".sha256");
        if (!Files.isRegularFile(sum)) {
            throw new IOException(
                    "weight file "
                            + file
                            + " has no checksum "
                            + sum.getFileName()
                            + ": it is not loaded unchecked (write it with: sha256sum "
                            + file.getFileName()
                            + " | cut -d' ' -f1 > "
                            + sum.getFileName()
                            + ")");
        }
        String expected = Files.readString(sum).trim().split("\\s+")[0];
        String actual = sha256(file);
        if (!expected.equalsIgnoreCase(actual)) {
            throw new IOException(
                    "weight file "
                            + file
                            + " is corrupt: its SHA-256 does not match "
                            + sum.getFileName());
        }
    }

    /**
     * Writes {@code <file>.sha256} beside a weight file.
     *
     * @param file the weight file
     * @throws IOException when reading or writing fails
     */
    public static void writeChecksum(Path file) throws IOException {
        AtomicFiles.writeString(
                file.resolveSibling(file.getFileName() + ".sha256"), sha256(file) + "\n");
    }

    private static final String TRANSLATOR_FACTORY = "translatorFactory";

    /**
     * A forecaster's metadata with the keys its translator reads ({@code input_size} [context,
     * channels], {@code horizon}, {@code time_features}) set from the architecture, the caller's
     * other keys (statistics, columns, scores) kept.
     */
    private static String forecastMetadata(ForecastConfig config, String metadataJson)
            throws IOException {
        ObjectNode meta =
                metadataJson == null
                        ? Configs.MAPPER.createObjectNode()
                        : (ObjectNode)
                                Configs.readObject(
                                        metadataJson.getBytes(
                                                java.nio.charset.StandardCharsets.UTF_8),
                                        METADATA);
        ArrayNode size = meta.putArray("input_size");
        size.add(config.contextLength()).add(config.inputChannels());
        meta.put("horizon", config.horizon());
        meta.put("time_features", config.timeFeatures());
        return Configs.toJson(meta) + "\n";
    }

    /**
     * Reads the architecture of a model directory.
     *
     * @param dir the model directory
     * @return the validated config
     * @throws IOException when the file is missing
     */
    public static ModelConfig readArchitecture(Path dir) throws IOException {
        Path file = dir.resolve(ARCHITECTURE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(
                    dir + " is not an mlp-zoo model directory: " + ARCHITECTURE + " is missing");
        }
        return Configs.read(Configs.readFile(file, ARCHITECTURE), file.toString());
    }

    /**
     * The text of an {@code architecture.json}: one writer for model directories, the zoo's
     * generator and the check that the packaged files are the variants' own.
     *
     * @param config the architecture
     * @return pretty JSON ending in a newline
     */
    public static String architectureJson(ModelConfig config) {
        return Configs.toJson(config) + "\n";
    }

    static String sha256(Path file) throws IOException {
        try (InputStream is =
                new DigestInputStream(
                        Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            is.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) is).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deletes the temporary folders that {@link #save} leaves beside its targets when the process
     * is killed mid-write ({@code .<name>.<digits>} while writing, {@code .<name>.old<digits>}
     * while replacing). Only folders named so, holding regular files only, are deleted: nothing
     * else matches what we create.
     *
     * @param parent the folder holding model directories (e.g. a training run)
     * @throws IOException when listing or deleting fails
     */
    public static void deleteStaleTemps(Path parent) throws IOException {
        deleteStaleTemps(parent, null);
    }

    private static void deleteStaleTemps(Path parent, String name) throws IOException {
        if (!Files.isDirectory(parent, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String base = name == null ? ".+" : java.util.regex.Pattern.quote(name);
        // createTempDirectory appends an unsigned random long: many digits
        java.util.regex.Pattern ours =
                java.util.regex.Pattern.compile("\\." + base + "\\.(old)?[0-9]{6,}");
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> list = Files.list(parent)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (ours.matcher(p.getFileName().toString()).matches()
                        && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && onlyRegularFiles(p)) {
                    stale.add(p);
                }
            }
        }
        for (Path p : stale) {
            deleteTree(p);
        }
    }

    /** Whether a folder holds a weight file DJL could load (.params, .onnx or .pt). */
    private static boolean hasWeights(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(f -> f.getFileName().toString())
                    .anyMatch(
                            n -> n.endsWith(".params") || n.endsWith(".onnx") || n.endsWith(".pt"));
        }
    }

    private static boolean onlyRegularFiles(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.allMatch(
                    f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
    }

    private static void replace(Path tmp, Path target) throws IOException {
        if (Files.exists(target)) {
            Path old =
                    Files.createTempDirectory(
                            target.getParent(), "." + target.getFileName() + ".old");
            Files.delete(old);
            Files.move(target, old);
            Files.move(tmp, target);
            deleteTree(old);
        } else {
            Files.move(tmp, target);
        }
    }

    private static void fsync(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    try (java.nio.channels.FileChannel ch =
                            java.nio.channels.FileChannel.open(
                                    f, java.nio.file.StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p :
                    (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
