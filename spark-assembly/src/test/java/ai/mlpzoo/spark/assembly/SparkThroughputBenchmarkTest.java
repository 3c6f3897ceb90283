package ai.mlpzoo.spark.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import ai.mlpzoo.spark.MlpZooSpark;
import ai.mlpzoo.spark.ModelCache;
import ai.mlpzoo.spark.ModelSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark case of issue 19: rows per second of classifying Fashion-MNIST test images (PNG
 * files read by Spark's {@code binaryFile} source, decoded and scored by {@code classifyImages}) on
 * {@code local[2]}, against a single JVM scoring the same files with one predictor on one thread
 * (same model, engine, thread settings and batch size: the model comes out of the same {@link
 * ModelCache}); per-core efficiency = Spark rows/s / (2 x single-JVM rows/s).
 *
 * <p>By default a small slice (200 images), so that {@code ./mvnw verify} shows it runs; the
 * measurement of the issue, on a quiet machine:
 *
 * <pre>
 * ./mvnw -o -q verify -pl spark-assembly -am -Dtest=SparkThroughputBenchmarkTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dmlpzoo.bench.sparkImages=20000 \
 *     -Dmlpzoo.bench.sparkRepeats=3
 * </pre>
 *
 * <p>Properties: {@code mlpzoo.bench.sparkImages} (images, default 200; the first 10,000 are the
 * test set, more come from the training set), {@code mlpzoo.bench.sparkRepeats} (timed passes of
 * each kind, default 1; the figures are the medians), {@code mlpzoo.bench.sparkEngines} (default
 * {@code OnnxRuntime,PyTorch}), {@code mlpzoo.bench.sparkPartitions} (default 8: four tasks per
 * core, so that the last task of one core is short; with 4 the Parquet passes were 0.783 to 0.966
 * efficient, with 8 0.828 to 0.883), {@code mlpzoo.bench.sparkBatchSize} (default 64), {@code
 * mlpzoo.bench.minEfficiency} (fail below it; default 0, no check: on a busy machine the figure
 * means nothing), {@code mlpzoo.bench.sparkFsFileImpl} (Hadoop's class for {@code file:} paths,
 * default {@code org.apache.hadoop.fs.LocalFileSystem}; {@code
 * org.apache.hadoop.fs.RawLocalFileSystem} skips the checksum-file lookup per file: within the
 * noise in runs B, O and P of docs/benchmarks.md). Spark and the single JVM each score the images
 * once untimed first (model load, JIT), then the timed passes, interleaved so that a change in the
 * machine's speed hits all three alike.
 *
 * <p>Besides Spark and the one-thread JVM, each pass also times the same JVM scoring with two
 * threads, each with its own predictor and half of the files: what two cores give this workload
 * without Spark. Its efficiency ({@code two_thread_efficiency}) is the ceiling Spark can reach on
 * this machine; {@code spark_vs_two_threads} is the share of that ceiling Spark keeps, i.e. Spark's
 * own cost.
 *
 * <p>And each pass times Spark on the same PNG bytes packed into {@code PARTITIONS} Parquet files
 * (columns {@code path}, {@code content}): {@code parquet_per_core_efficiency}. One file per image
 * costs Spark's executors a Hadoop file-system round trip per row (status, checksum-file lookup,
 * statistics), which the single JVM's plain reads do not pay (docs/spark.md).
 */
class SparkThroughputBenchmarkTest {

    private static final int IMAGES = Integer.getInteger("mlpzoo.bench.sparkImages", 200);
    private static final int PARTITIONS = Integer.getInteger("mlpzoo.bench.sparkPartitions", 8);
    private static final int BATCH = Integer.getInteger("mlpzoo.bench.sparkBatchSize", 64);
    private static final int REPEATS = Integer.getInteger("mlpzoo.bench.sparkRepeats", 1);
    private static final String FS_FILE_IMPL = System.getProperty("mlpzoo.bench.sparkFsFileImpl");
    private static final double MIN_EFFICIENCY =
            Double.parseDouble(System.getProperty("mlpzoo.bench.minEfficiency", "0"));
    private static final List<String> ENGINES =
            List.of(
                    System.getProperty("mlpzoo.bench.sparkEngines", "OnnxRuntime,PyTorch")
                            .split(","));

    @TempDir static Path tmp;
    static Path pngs;
    static Path parquet;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        Assumptions.assumeTrue(
                FashionMnist.isInstalled(),
                "the Spark throughput benchmark reads the Fashion-MNIST test set: "
                        + FashionMnist.notInstalledMessage());
        assertTrue(REPEATS >= 1, "mlpzoo.bench.sparkRepeats must be at least 1: " + REPEATS);
        FashionMnist test =
                FashionMnist.load(
                        FashionMnist.defaultDir(),
                        FashionMnist.Split.TEST,
                        Math.min(IMAGES, 10_000));
        pngs = Files.createDirectories(tmp.resolve("pngs"));
        int written = writePngs(test, 0);
        if (IMAGES > written) {
            FashionMnist train =
                    FashionMnist.load(
                            FashionMnist.defaultDir(), FashionMnist.Split.TRAIN, IMAGES - written);
            written += writePngs(train, written);
        }
        assertEquals(IMAGES, written, "Fashion-MNIST has fewer images than asked for");
        spark =
                SparkSession.builder()
                        .master("local[2]")
                        .appName("mlpzoo spark throughput")
                        .config("spark.ui.enabled", "false")
                        .config("spark.driver.host", "127.0.0.1")
                        .config(
                                "spark.hadoop.fs.file.impl",
                                FS_FILE_IMPL == null
                                        ? "org.apache.hadoop.fs.LocalFileSystem"
                                        : FS_FILE_IMPL)
                        .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        // the same PNG bytes packed into PARTITIONS Parquet files (path, content): what a table of
        // images looks like, read without one file-system round trip per image
        parquet = tmp.resolve("images.parquet");
        spark.read()
                .format("binaryFile")
                .load(pngs.toString())
                .select("path", "content")
                .repartition(PARTITIONS)
                .write()
                .parquet(parquet.toString());
    }

    private static int writePngs(FashionMnist set, int first) throws IOException {
        for (int i = 0; i < set.size(); i++) {
            BufferedImage img = (BufferedImage) FashionMnistImages.image(set, i).getWrappedImage();
            ImageIO.write(
                    img, "png", pngs.resolve(String.format("img_%05d.png", first + i)).toFile());
        }
        return set.size();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
        ModelCache.clear();
    }

    @Test
    void sparkLocal2AgainstOneJvm() throws Exception {
        System.err.printf(
                "# spark throughput: %d PNGs, local[2], %d partitions, batch %d, 1 engine thread"
                        + " per task, %d timed passes, %d cores, Java %s%n",
                IMAGES,
                PARTITIONS,
                BATCH,
                REPEATS,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        List<Path> files;
        try (var s = Files.list(pngs)) {
            files = s.sorted().toList();
        }
        for (String engine : ENGINES) {
            ModelSource source = ModelSource.of("mixer/fmnist").withEngine(engine).withThreads(1);
            Map<String, String> single = singleJvm(source, files); // untimed: load and JIT
            twoThreads(source, files); // untimed: the second predictor's JIT
            sparkRun(source, false); // untimed: the executor's model load and JIT
            sparkRun(source, true);
            double[] singleSeconds = new double[REPEATS];
            double[] twoSeconds = new double[REPEATS];
            double[] sparkSeconds = new double[REPEATS];
            double[] parquetSeconds = new double[REPEATS];
            for (int r = 0; r < REPEATS; r++) {
                long t0 = System.nanoTime();
                Map<String, String> again = singleJvm(source, files);
                singleSeconds[r] = (System.nanoTime() - t0) / 1e9;
                assertEquals(single, again, engine + ": one JVM, repeated");
                t0 = System.nanoTime();
                Map<String, String> two = twoThreads(source, files);
                twoSeconds[r] = (System.nanoTime() - t0) / 1e9;
                assertEquals(single, two, engine + ": two threads give the one thread's labels");
                t0 = System.nanoTime();
                Map<String, String> distributed = sparkRun(source, false);
                sparkSeconds[r] = (System.nanoTime() - t0) / 1e9;
                assertEquals(IMAGES, distributed.size(), engine + ": one Spark row per image");
                assertEquals(single, distributed, engine + ": Spark's labels are the single JVM's");
                t0 = System.nanoTime();
                Map<String, String> packed = sparkRun(source, true);
                parquetSeconds[r] = (System.nanoTime() - t0) / 1e9;
                assertEquals(single, packed, engine + ": Spark on Parquet gives the same labels");
            }
            double singleRate = IMAGES / median(singleSeconds);
            double twoRate = IMAGES / median(twoSeconds);
            double sparkRate = IMAGES / median(sparkSeconds);
            double parquetRate = IMAGES / median(parquetSeconds);
            double efficiency = sparkRate / (2 * singleRate);
            double parquetEfficiency = parquetRate / (2 * singleRate);
            double ceiling = twoRate / (2 * singleRate);
            String line =
                    String.format(
                            Locale.ROOT,
                            "spark_local2_%s rows=%d passes=%d spark_rows_per_s=%.1f"
                                    + " single_jvm_rows_per_s=%.1f per_core_efficiency=%.3f"
                                    + " two_thread_rows_per_s=%.1f two_thread_efficiency=%.3f"
                                    + " spark_vs_two_threads=%.3f parquet_rows_per_s=%.1f"
                                    + " parquet_per_core_efficiency=%.3f"
                                    + " parquet_vs_two_threads=%.3f spark_s=%s single_s=%s"
                                    + " two_thread_s=%s parquet_s=%s%n",
                            engine.toLowerCase(Locale.ROOT),
                            IMAGES,
                            REPEATS,
                            sparkRate,
                            singleRate,
                            efficiency,
                            twoRate,
                            ceiling,
                            sparkRate / twoRate,
                            parquetRate,
                            parquetEfficiency,
                            parquetRate / twoRate,
                            seconds(sparkSeconds),
                            seconds(singleSeconds),
                            seconds(twoSeconds),
                            seconds(parquetSeconds));
            System.out.print(line);
            // also in spark-assembly/target/spark-throughput.txt: mvn -q may hide the test's output
            Files.writeString(
                    SparkSubmitJvm.assembly().resolveSibling("spark-throughput.txt"),
                    line,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            assertTrue(Double.isFinite(efficiency) && efficiency > 0, "efficiency " + efficiency);
            assertTrue(Double.isFinite(ceiling) && ceiling > 0, "two-thread efficiency " + ceiling);
            assertTrue(
                    Double.isFinite(parquetEfficiency) && parquetEfficiency > 0,
                    "Parquet efficiency " + parquetEfficiency);
            assertTrue(
                    efficiency >= MIN_EFFICIENCY,
                    String.format(
                            Locale.ROOT,
                            "%s: per-core efficiency %.3f below mlpzoo.bench.minEfficiency %.3f",
                            engine,
                            efficiency,
                            MIN_EFFICIENCY));
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String seconds(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return b.toString();
    }

    /** Two threads of this JVM, each with its own predictor and half of the files. */
    private static Map<String, String> twoThreads(ModelSource source, List<Path> files)
            throws Exception {
        int half = files.size() / 2;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> singleJvm(source, files.subList(0, half)));
            var b = pool.submit(() -> singleJvm(source, files.subList(half, files.size())));
            Map<String, String> labels = new HashMap<>(a.get());
            labels.putAll(b.get());
            return labels;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One predictor, one thread: read, decode and classify the PNGs, BATCH at a time. */
    private static Map<String, String> singleJvm(ModelSource source, List<Path> files)
            throws Exception {
        ZooModel<Image, Classifications> model =
                ModelCache.get(source, Image.class, Classifications.class);
        Map<String, String> labels = new HashMap<>();
        // as Spark's tasks (ModelCache.borrow): no autograd recording on the two threads either,
        // and the engine threads the source asked for
        ai.mlpzoo.zoo.InferenceThreads.noGradOnThisThread(model);
        ai.mlpzoo.zoo.InferenceThreads.configuredThreadsOnThisThread(model);
        try (Predictor<Image, Classifications> p = model.newPredictor()) {
            for (int start = 0; start < files.size(); start += BATCH) {
                List<Path> chunk = files.subList(start, Math.min(files.size(), start + BATCH));
                List<Image> batch = new ArrayList<>(chunk.size());
                for (Path f : chunk) {
                    try (var in = Files.newInputStream(f)) {
                        batch.add(ImageFactory.getInstance().fromInputStream(in));
                    }
                }
                List<Classifications> out = p.batchPredict(batch);
                for (int i = 0; i < chunk.size(); i++) {
                    labels.put(
                            chunk.get(i).getFileName().toString(),
                            out.get(i).best().getClassName());
                }
            }
        }
        return labels;
    }

    /**
     * On local[2], PARTITIONS tasks, labels collected to the driver: the binaryFile source over the
     * PNG files, or (packed) the Parquet files holding the same bytes.
     */
    private static Map<String, String> sparkRun(ModelSource source, boolean packed) {
        Dataset<Row> images =
                packed
                        ? spark.read().parquet(parquet.toString())
                        : spark.read()
                                .format("binaryFile")
                                .load(pngs.toString())
                                .coalesce(PARTITIONS);
        Dataset<Row> scored =
                MlpZooSpark.model(source).batchSize(BATCH).topK(1).classifyImages(images);
        Map<String, String> labels = new HashMap<>();
        for (Row r : scored.select("path", "label").collectAsList()) {
            String path = r.getString(0);
            labels.put(path.substring(path.lastIndexOf('/') + 1), r.getString(1));
        }
        return labels;
    }
}
