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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dmlpzoo.bench.sparkImages=10000
 * </pre>
 *
 * <p>Properties: {@code mlpzoo.bench.sparkImages} (images, default 200), {@code
 * mlpzoo.bench.sparkEngines} (default {@code OnnxRuntime,PyTorch}), {@code
 * mlpzoo.bench.sparkPartitions} (default 4: two tasks per core), {@code
 * mlpzoo.bench.sparkBatchSize} (default 64), {@code mlpzoo.bench.minEfficiency} (fail below it;
 * default 0, no check: on a busy machine the figure means nothing). Spark and the single JVM each
 * score the images once untimed first (model load, JIT), then once timed.
 */
class SparkThroughputBenchmarkTest {

    private static final int IMAGES = Integer.getInteger("mlpzoo.bench.sparkImages", 200);
    private static final int PARTITIONS = Integer.getInteger("mlpzoo.bench.sparkPartitions", 4);
    private static final int BATCH = Integer.getInteger("mlpzoo.bench.sparkBatchSize", 64);
    private static final double MIN_EFFICIENCY =
            Double.parseDouble(System.getProperty("mlpzoo.bench.minEfficiency", "0"));
    private static final List<String> ENGINES =
            List.of(
                    System.getProperty("mlpzoo.bench.sparkEngines", "OnnxRuntime,PyTorch")
                            .split(","));

    @TempDir static Path tmp;
    static Path pngs;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        Assumptions.assumeTrue(
                FashionMnist.isInstalled(),
                "the Spark throughput benchmark reads the Fashion-MNIST test set: "
                        + FashionMnist.notInstalledMessage());
        FashionMnist test =
                FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TEST, IMAGES);
        assertEquals(IMAGES, test.size(), "the test set has fewer images than asked for");
        pngs = Files.createDirectories(tmp.resolve("pngs"));
        for (int i = 0; i < test.size(); i++) {
            BufferedImage img = (BufferedImage) FashionMnistImages.image(test, i).getWrappedImage();
            ImageIO.write(img, "png", pngs.resolve(String.format("img_%05d.png", i)).toFile());
        }
        spark =
                SparkSession.builder()
                        .master("local[2]")
                        .appName("mlpzoo spark throughput")
                        .config("spark.ui.enabled", "false")
                        .config("spark.driver.host", "127.0.0.1")
                        .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
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
                        + " per task, %d cores, Java %s%n",
                IMAGES,
                PARTITIONS,
                BATCH,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        for (String engine : ENGINES) {
            ModelSource source = ModelSource.of("mixer/fmnist").withEngine(engine).withThreads(1);
            Map<String, String> single = singleJvm(source); // untimed: load and JIT
            long t0 = System.nanoTime();
            single = singleJvm(source);
            double singleSeconds = (System.nanoTime() - t0) / 1e9;

            sparkRun(source); // untimed: the executor's model load and JIT
            t0 = System.nanoTime();
            Map<String, String> distributed = sparkRun(source);
            double sparkSeconds = (System.nanoTime() - t0) / 1e9;

            assertEquals(IMAGES, distributed.size(), engine + ": one Spark row per image");
            assertEquals(single, distributed, engine + ": Spark's labels are the single JVM's");
            double singleRate = IMAGES / singleSeconds;
            double sparkRate = IMAGES / sparkSeconds;
            double efficiency = sparkRate / (2 * singleRate);
            String line =
                    String.format(
                            Locale.ROOT,
                            "spark_local2_%s rows=%d spark_rows_per_s=%.1f"
                                    + " single_jvm_rows_per_s=%.1f per_core_efficiency=%.3f"
                                    + " spark_s=%.2f single_s=%.2f%n",
                            engine.toLowerCase(Locale.ROOT),
                            IMAGES,
                            sparkRate,
                            singleRate,
                            efficiency,
                            sparkSeconds,
                            singleSeconds);
            System.out.print(line);
            // also in spark-assembly/target/spark-throughput.txt: mvn -q may hide the test's output
            Files.writeString(
                    SparkSubmitJvm.assembly().resolveSibling("spark-throughput.txt"),
                    line,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            assertTrue(Double.isFinite(efficiency) && efficiency > 0, "efficiency " + efficiency);
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

    /** One predictor, one thread: read, decode and classify every PNG, BATCH at a time. */
    private static Map<String, String> singleJvm(ModelSource source) throws Exception {
        ZooModel<Image, Classifications> model =
                ModelCache.get(source, Image.class, Classifications.class);
        List<Path> files;
        try (var s = Files.list(pngs)) {
            files = s.sorted().toList();
        }
        Map<String, String> labels = new HashMap<>();
        try (Predictor<Image, Classifications> p = model.newPredictor()) {
            for (int start = 0; start < files.size(); start += BATCH) {
                List<Path> chunk = files.subList(start, Math.min(files.size(), start + BATCH));
                List<Image> batch = new ArrayList<>(chunk.size());
                for (Path f : chunk) {
                    batch.add(ImageFactory.getInstance().fromInputStream(Files.newInputStream(f)));
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

    /** The binaryFile source on local[2], PARTITIONS tasks, labels collected to the driver. */
    private static Map<String, String> sparkRun(ModelSource source) {
        Dataset<Row> images =
                spark.read().format("binaryFile").load(pngs.toString()).coalesce(PARTITIONS);
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
