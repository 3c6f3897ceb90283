package ai.mlpzoo.bench;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import ai.mlpzoo.zoo.MlpModelZoo;
import ai.mlpzoo.zoo.MlpZoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Single-image prediction through a DJL {@link Predictor} of the zoo's Fashion-MNIST Mixer
 * (Criteria, translator and all: image to tensor, forward, softmax, classes), on a chosen engine.
 * Two modes: latency (p50 and p99 of single predictions) and memory (the process's resident set,
 * {@code VmRSS} of {@code /proc/self/status}, before and after a long run of predictions).
 */
final class PredictorCase extends BenchCase {

    /** The engine of ONNX Runtime in DJL. */
    static final String ONNX = "OnnxRuntime";

    private final String engine;
    private final Path modelDir;
    private final boolean memory;
    private final int predictions;
    private final int batch;
    private final String modelName;
    private ZooModel<Image, Classifications> model;
    private Predictor<Image, Classifications> predictor;
    private final List<Image> images = new ArrayList<>();
    private int next;
    private long rssBefore;
    private long heapBefore;
    private int timed = -1;
    private final StringBuilder trace = new StringBuilder();

    /**
     * @param name the case
     * @param engine the DJL engine name (PyTorch or OnnxRuntime)
     * @param modelDir a model directory to load instead of the zoo's mixer/fmnist, or null
     * @param memory whether to measure RSS over {@code predictions} predictions
     * @param predictions the number of timed predictions in memory mode
     */
    PredictorCase(String name, String engine, Path modelDir, boolean memory, int predictions) {
        this(name, engine, modelDir, memory, predictions, 1);
    }

    /**
     * @param name the case
     * @param engine the DJL engine name (PyTorch or OnnxRuntime)
     * @param modelDir a model directory to load instead of the zoo's mixer/fmnist, or null
     * @param memory whether to measure RSS over {@code predictions} predictions
     * @param predictions the number of timed predictions in memory mode
     * @param batch images per timed step: 1 is {@code predict}, more is one {@code batchPredict}
     */
    PredictorCase(
            String name, String engine, Path modelDir, boolean memory, int predictions, int batch) {
        this(name, engine, modelDir, memory, predictions, batch, null);
    }

    /**
     * @param name the case
     * @param engine the DJL engine name (PyTorch or OnnxRuntime)
     * @param modelDir a model directory to load instead of the zoo's mixer/fmnist, or null
     * @param memory whether to measure RSS over {@code predictions} predictions
     * @param predictions the number of timed predictions in memory mode
     * @param batch images per timed step: 1 is {@code predict}, more is one {@code batchPredict}
     * @param modelName the model file's name in the directory ({@code model.int8} for the int8
     *     graph), or null for DJL's default
     */
    PredictorCase(
            String name,
            String engine,
            Path modelDir,
            boolean memory,
            int predictions,
            int batch,
            String modelName) {
        // memory mode: a long warm-up, then exactly the asked-for predictions; a batch step is
        // slower
        super(
                name,
                Double.NaN,
                memory ? 5000 : batch > 1 ? 5 : 50,
                memory ? predictions : batch > 1 ? 50 : 1000);
        this.batch = batch;
        this.modelName = modelName;
        this.engine = engine;
        this.modelDir = modelDir;
        this.memory = memory;
        this.predictions = predictions;
    }

    @Override
    public void setup() throws Exception {
        if (!Engine.hasEngine(engine)) {
            throw new Skipped(
                    "the "
                            + engine
                            + " engine is not on the classpath"
                            + (ONNX.equals(engine)
                                    ? " (add ai.djl.onnxruntime:onnxruntime-engine)"
                                    : ""));
        }
        if (modelName != null
                && (modelDir == null
                        || !Files.isRegularFile(modelDir.resolve(modelName + ".onnx")))) {
            throw new Skipped(
                    "needs --onnx-model <dir> holding "
                            + modelName
                            + ".onnx (mlpzoo export-onnx --model mixer --out <dir> --quantize int8)");
        }
        if (modelDir != null && ONNX.equals(engine) && !hasOnnxFile(modelDir)) {
            throw new Skipped(
                    "no .onnx file in " + modelDir + " (write one with mlpzoo export-onnx)");
        }
        Criteria.Builder<Image, Classifications> b =
                Criteria.builder().setTypes(Image.class, Classifications.class).optEngine(engine);
        if (modelDir != null) {
            ai.mlpzoo.zoo.ModelDirs.checkSafe(modelDir);
            // the directory's own translator (serving.properties), not the engine's default
            b.optModelPath(modelDir)
                    .optTranslatorFactory(new ai.djl.translate.DeferredTranslatorFactory());
            if (modelName != null) {
                b.optModelName(modelName);
            }
        } else {
            b.optGroupId(MlpModelZoo.GROUP_ID)
                    .optArtifactId("mixer")
                    .optFilter("variant", "fmnist");
        }
        try {
            model = MlpZoo.loadModel(b.build());
        } catch (ModelNotFoundException | IllegalArgumentException e) {
            if (ONNX.equals(engine)) {
                throw new Skipped(
                        "no ONNX model of mixer/fmnist to load ("
                                + e.getMessage()
                                + "); export one with mlpzoo export-onnx and pass --onnx-model <dir>");
            }
            throw e;
        }
        predictor = model.newPredictor();
        FashionMnist data = FashionMnist.embeddedTestSlice();
        for (int i = 0; i < Math.min(100, data.size()); i++) {
            images.add(FashionMnistImages.image(data, i));
        }
    }

    private static boolean hasOnnxFile(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".onnx"));
        }
    }

    @Override
    public void step() throws Exception {
        if (batch > 1) {
            List<Classifications> out = predictor.batchPredict(images.subList(0, batch));
            if (out.size() != batch || out.get(batch - 1).best() == null) {
                throw new IllegalStateException(
                        name() + ": batch prediction gave " + out.size() + " results");
            }
            return;
        }
        Classifications c = predictor.predict(images.get(next++ % images.size()));
        if (c.best() == null) {
            throw new IllegalStateException(name() + ": empty prediction");
        }
        if (memory && timed >= 0 && ++timed % Math.max(1, predictions / 10) == 0) {
            // RSS after every tenth of the run: a leak grows steadily, a warm-up effect levels off
            trace.append(trace.length() == 0 ? "" : "/")
                    .append(String.format(Locale.ROOT, "%.1f", rssKiB() / 1024.0));
        }
    }

    @Override
    public int timedSteps(int requested) {
        return memory ? predictions : requested;
    }

    @Override
    public void beforeTimed() throws Exception {
        if (memory) {
            // predict on until two young collections have passed: every page of the young
            // generation
            // has then been touched, so the JVM's own heap does not read as growth of the process
            long gcs = gcCount();
            int cap = Math.min(200_000, Math.max(1000, 2 * predictions));
            for (int i = 0; i < cap && gcCount() < gcs + 2; i++) {
                step();
            }
            // no System.gc() here: G1 would shrink the heap, and its regrowth during the run would
            // read as growth of the process
            timed = 0;
            rssBefore = rssKiB();
            heapBefore = Runtime.getRuntime().totalMemory();
        }
    }

    @Override
    public void report(double[] sortedMs, Map<String, String> extras) {
        extras.put("engine", engine);
        extras.put("batch", Integer.toString(batch));
        extras.put("p50_ms", BenchResult.fmt(BenchResult.percentile(sortedMs, 50)));
        extras.put("p99_ms", BenchResult.fmt(BenchResult.percentile(sortedMs, 99)));
        if (memory) {
            long after = rssKiB();
            extras.put("rss_before_mib", String.format(Locale.ROOT, "%.1f", rssBefore / 1024.0));
            extras.put("rss_after_mib", String.format(Locale.ROOT, "%.1f", after / 1024.0));
            extras.put(
                    "rss_growth_pct",
                    String.format(Locale.ROOT, "%.2f", 100.0 * (after - rssBefore) / rssBefore));
            extras.put("rss_mib_every_tenth", trace.toString());
            extras.put(
                    "heap_committed_mib_before_after",
                    String.format(
                            Locale.ROOT,
                            "%.1f/%.1f",
                            heapBefore / 1048576.0,
                            Runtime.getRuntime().totalMemory() / 1048576.0));
        }
    }

    private static long gcCount() {
        long n = 0;
        for (java.lang.management.GarbageCollectorMXBean gc :
                java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static long rssKiB() {
        return ProcessStats.rssKiB();
    }

    @Override
    public void close() {
        if (predictor != null) {
            predictor.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
