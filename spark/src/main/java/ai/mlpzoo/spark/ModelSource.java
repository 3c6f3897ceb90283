package ai.mlpzoo.spark;

import ai.djl.engine.Engine;
import ai.djl.repository.zoo.Criteria;
import ai.djl.translate.DeferredTranslatorFactory;
import ai.mlpzoo.zoo.MlpZoo;
import ai.mlpzoo.zoo.ModelDirs;
import ai.mlpzoo.zoo.ZooEntry;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.spark.SparkFiles;

/**
 * Which model a job runs, as it travels to the executors: a zoo artifact ({@code
 * artifact[/variant]}, the variant defaulting to {@code fmnist}) or a model directory, the engine
 * ({@code auto}: ONNX Runtime when the model ships a model.onnx and that engine is on the class
 * path, else PyTorch), the engine threads each task uses (default 1: Spark already runs one task
 * per core) and the translator's arguments ({@code topK}, {@code threshold}).
 *
 * <p>A model directory is looked up on the executor first as the path given, then as a file
 * distributed with {@code spark-submit --files} / {@code SparkContext.addFile(dir, true)} ({@link
 * SparkFiles#get}); its files are checked against their sha256 sidecars before it loads.
 */
public final class ModelSource implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The engine choice that picks ONNX Runtime where it can. */
    public static final String AUTO = "auto";

    private static final String ORT = "OnnxRuntime";
    private static final Pattern ZOO_REF = Pattern.compile("[A-Za-z0-9_]+(/[A-Za-z0-9_.-]+)?");

    private final String ref;
    private final String engine;
    private final int threads;
    private final TreeMap<String, String> arguments;

    private ModelSource(String ref, String engine, int threads, Map<String, String> arguments) {
        if (ref == null || ref.isBlank()) {
            throw new IllegalArgumentException(
                    "model: give a zoo artifact (artifact[/variant]) or a model directory");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("engine threads must be >= 1, got " + threads);
        }
        this.ref = ref;
        this.engine = Objects.requireNonNull(engine, "engine");
        this.threads = threads;
        this.arguments = new TreeMap<>(arguments);
    }

    /**
     * @param ref a zoo artifact as {@code artifact[/variant]}, or a model directory
     * @return the model, engine {@code auto}, one thread per task, no translator arguments
     */
    public static ModelSource of(String ref) {
        return new ModelSource(ref, AUTO, 1, Map.of());
    }

    /**
     * @param engineName {@code auto}, {@code PyTorch} or {@code OnnxRuntime}
     * @return a copy running on that engine
     */
    public ModelSource withEngine(String engineName) {
        return new ModelSource(ref, engineName, threads, arguments);
    }

    /**
     * @param n engine threads per task (PyTorch's are per JVM: the first model loaded sets them)
     * @return a copy with that many
     */
    public ModelSource withThreads(int n) {
        return new ModelSource(ref, engine, n, arguments);
    }

    /**
     * @param key a translator argument ({@code topK}, {@code threshold})
     * @param value its value
     * @return a copy with it set
     */
    public ModelSource withArgument(String key, Object value) {
        TreeMap<String, String> args = new TreeMap<>(arguments);
        args.put(key, String.valueOf(value));
        return new ModelSource(ref, engine, threads, args);
    }

    /**
     * @return the model as given
     */
    public String ref() {
        return ref;
    }

    /**
     * @return the engine as given ({@code auto} unless chosen)
     */
    public String engine() {
        return engine;
    }

    /**
     * @return engine threads per task
     */
    public int threads() {
        return threads;
    }

    /**
     * @return the cache key of this model loaded for these types: the same model with another
     *     engine, arguments or output type is another entry
     */
    String key(Class<?> in, Class<?> out) {
        return ref
                + "|"
                + engine
                + "|"
                + threads
                + "|"
                + arguments
                + "|"
                + in.getName()
                + "->"
                + out.getName();
    }

    /** The model directory this source names on this JVM, or null for a zoo artifact. */
    Path localDir() throws IOException {
        Path p = Paths.get(ref);
        if (Files.isDirectory(p)) {
            return p;
        }
        if (!p.isAbsolute() || !ZOO_REF.matcher(ref).matches()) {
            // shipped with --files / addFile(dir, recursive = true): the executor's copy
            try {
                Path shipped = Paths.get(SparkFiles.get(p.getFileName().toString()));
                if (Files.isDirectory(shipped)) {
                    return shipped;
                }
            } catch (RuntimeException noSparkContext) {
                // outside a Spark job: only the local path counts
            }
        }
        if (ZOO_REF.matcher(ref).matches()) {
            return null;
        }
        throw new NoSuchFileException(
                ref,
                null,
                "model directory not found here nor among the files shipped with --files /"
                        + " SparkContext.addFile(dir, true); a zoo model is named artifact[/variant]");
    }

    /**
     * The DJL criteria for this model on this JVM, after the checks: a directory's files match
     * their sha256, the engine exists.
     */
    <I, O> Criteria<I, O> criteria(Class<I> in, Class<O> out) throws IOException {
        Path dir = localDir();
        Criteria.Builder<I, O> b =
                Criteria.builder()
                        .setTypes(in, out)
                        .optTranslatorFactory(new DeferredTranslatorFactory());
        boolean hasOnnx;
        if (dir != null) {
            ModelDirs.checkSafe(dir); // data only, before DJL reads it
            ModelDirs.verify(dir); // the sha256 sidecars: a truncated copy fails here, by name
            b.optModelPath(dir);
            hasOnnx = Files.isRegularFile(dir.resolve("model.onnx"));
        } else {
            String[] parts = ref.split("/");
            String variant = parts.length > 1 ? parts[1] : defaultVariant(parts[0]);
            List<ZooEntry> match =
                    MlpZoo.repository().index().match(parts[0], Map.of("variant", variant));
            if (match.isEmpty()) {
                throw new IOException(
                        MlpZoo.repository()
                                .index()
                                .explainNoMatch(parts[0], Map.of("variant", variant)));
            }
            b.optGroupId("ai.mlpzoo").optArtifactId(parts[0]).optFilter("variant", variant);
            hasOnnx = match.get(0).files().contains("model.onnx");
        }
        String chosen = resolveEngine(hasOnnx);
        b.optEngine(chosen);
        if (ORT.equals(chosen)) {
            b.optOption("interOpNumThreads", Integer.toString(threads));
            b.optOption("intraOpNumThreads", Integer.toString(threads));
        } else {
            // read once, when PyTorch's engine starts in this JVM; a setting given with -D wins
            if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            }
            if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            }
        }
        for (Map.Entry<String, String> a : arguments.entrySet()) {
            b.optArgument(a.getKey(), a.getValue());
        }
        return b.build();
    }

    /**
     * The variant of a zoo artifact named without one: {@code fmnist} (the image classifiers), or
     * the artifact's only variant ({@code minilm} is {@code minilm/l6_v2}); an artifact with
     * several and no {@code fmnist} must be named with its variant (the no-match message lists
     * them).
     */
    private static String defaultVariant(String artifact) throws IOException {
        List<ZooEntry> all = MlpZoo.repository().index().match(artifact, Map.of());
        if (all.size() == 1 && all.get(0).filters().get("variant") != null) {
            return all.get(0).filters().get("variant");
        }
        return "fmnist";
    }

    /** The engine that runs the model here: the one chosen, or auto's pick. */
    String resolveEngine(boolean hasOnnx) {
        if (!AUTO.equalsIgnoreCase(engine)) {
            if (!Engine.hasEngine(engine)) {
                throw new IllegalArgumentException(
                        "engine "
                                + engine
                                + " is not on this JVM's class path; available: "
                                + Engine.getAllEngines());
            }
            return engine;
        }
        String chosen = ai.mlpzoo.zoo.EngineChoice.automatic(hasOnnx); // as mlpzoo predict's auto
        if (Engine.hasEngine(chosen)) {
            return chosen;
        }
        throw new IllegalArgumentException(
                ref
                        + ": no engine to run it: put pytorch-engine (or onnxruntime-engine, for a"
                        + " model with model.onnx) on the executors' class path");
    }

    @Override
    public String toString() {
        return ref + " (engine " + engine + ", " + threads + " thread(s) per task)";
    }
}
