package ai.mlpzoo.zoo;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
     * Writes a model directory with extra files (a training checkpoint's optimizer state), all
     * made visible in one rename.
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
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        try {
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
                extraProperties.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
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
            replace(tmp, target);
        } finally {
            deleteTree(tmp);
        }
    }

    /**
     * Verifies the params file against its checksum, when there is one.
     *
     * @param dir the model directory
     * @throws IOException when the file is missing or does not match
     */
    public static void verify(Path dir) throws IOException {
        Path params = dir.resolve(PARAMS);
        if (!Files.isRegularFile(params)) {
            throw new IOException("parameter file " + params + " is missing");
        }
        Path sum = dir.resolve(CHECKSUM);
        if (Files.isRegularFile(sum)) {
            String expected = Files.readString(sum).trim();
            String actual = sha256(params);
            if (!expected.equalsIgnoreCase(actual)) {
                throw new IOException(
                        "parameter file "
                                + params
                                + " is corrupt: its SHA-256 does not match "
                                + CHECKSUM);
            }
        }
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
        return Configs.read(Files.readAllBytes(file), file.toString());
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
                new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            is.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) is).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void replace(Path tmp, Path target) throws IOException {
        if (Files.exists(target)) {
            Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old");
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
                            java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
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
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
