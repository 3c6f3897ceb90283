package ai.mlpzoo.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 1,000 Fashion-MNIST test images shipped in mlpzoo-training's jar, written as PNGs and read by
 * Spark's binaryFile and image sources in local[2] over several partitions, get exactly the labels
 * of a single-JVM predictor on the same engine, probabilities within 1e-6, with the model loaded
 * once per JVM; corrupt files fail their row by name.
 */
class SparkImageClassificationTest {

    private static final Pattern INDEX = Pattern.compile("img_(\\d+)\\.png$");

    @TempDir static Path tmp;
    static SparkSession spark;
    static Path pngs;
    static FashionMnist data;

    @BeforeAll
    static void start() throws Exception {
        data = FashionMnist.embeddedTestSlice();
        pngs = Files.createDirectories(tmp.resolve("pngs"));
        for (int i = 0; i < data.size(); i++) {
            BufferedImage img = (BufferedImage) FashionMnistImages.image(data, i).getWrappedImage();
            ImageIO.write(img, "png", pngs.resolve(String.format("img_%04d.png", i)).toFile());
        }
        spark = Sessions.local2();
    }

    @AfterAll
    static void stop() {
        ModelCache.clear();
    }

    private static final Map<String, List<Classifications>> REFERENCES = new HashMap<>();

    /** The single-JVM reference: one predictor over the same images, in batches of 100. */
    private static synchronized List<Classifications> reference(String engine) throws Exception {
        List<Classifications> known = REFERENCES.get(engine);
        if (known != null) {
            return known;
        }
        Criteria<Image, Classifications> c =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("mixer")
                        .optFilter("variant", "fmnist")
                        .optEngine(engine)
                        .build();
        List<Classifications> out = new ArrayList<>();
        try (ZooModel<Image, Classifications> m = c.loadModel();
                Predictor<Image, Classifications> p = m.newPredictor()) {
            for (int start = 0; start < data.size(); start += 100) {
                List<Image> batch = new ArrayList<>();
                for (int i = start; i < Math.min(data.size(), start + 100); i++) {
                    batch.add(FashionMnistImages.image(data, i));
                }
                out.addAll(p.batchPredict(batch));
            }
        }
        REFERENCES.put(engine, out);
        return out;
    }

    private static int index(String path) {
        Matcher m = INDEX.matcher(path);
        assertTrue(m.find(), path);
        return Integer.parseInt(m.group(1));
    }

    /** Compares every row with the reference: labels exact, probabilities within 1e-6. */
    private static void assertMatches(
            List<Row> rows, List<Classifications> ref, String what, double seconds) {
        assertEquals(data.size(), rows.size(), what + ": one row per image");
        double maxDiff = 0;
        int correct = 0;
        for (Row r : rows) {
            int i = index(r.getString(0));
            Classifications.Classification best = ref.get(i).best();
            assertEquals(best.getClassName(), r.getString(1), what + ": label of image " + i);
            maxDiff = Math.max(maxDiff, Math.abs(best.getProbability() - r.getDouble(2)));
            List<Row> topk = r.getList(3);
            assertEquals(5, topk.size());
            assertEquals(best.getClassName(), topk.get(0).getString(0));
            if (r.getString(1).equals(FashionMnist.CLASSES[data.labels()[i]])) {
                correct++;
            }
        }
        System.out.printf(
                "%s: 1000 images, labels = single JVM's, max |probability diff| %.3g, accuracy"
                        + " %.1f%%, %.0f rows/s (with session overheads)%n",
                what, maxDiff, correct / 10.0, rows.size() / seconds);
        assertTrue(maxDiff <= 1e-6, what + ": max |probability diff| " + maxDiff);
        assertTrue(correct >= 850, what + ": accuracy " + correct + "/1000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "OnnxRuntime"})
    void binaryFileImagesGetTheSingleJvmLabelsWithTheModelLoadedOncePerJvm(String engine)
            throws Exception {
        ModelCache.clear();
        List<Classifications> ref = reference(engine);
        Dataset<Row> images = spark.read().format("binaryFile").load(pngs.toString());
        images = images.repartition(6);
        MlpZooSpark scoring = MlpZooSpark.model("mixer/fmnist").engine(engine).batchSize(50);
        long t0 = System.nanoTime();
        List<Row> rows =
                scoring.classifyImages(images)
                        .select("path", "label", "probability", "topk")
                        .collectAsList();
        double secs = (System.nanoTime() - t0) / 1e9;
        assertMatches(rows, ref, "binaryFile, " + engine + ", 6 partitions", secs);
        // a second job over the same JVM reuses the model
        long again = scoring.classifyImages(images).count();
        assertEquals(1000, again);
        System.out.printf(
                "%s: model loads in this JVM %d, predictors borrowed %d (6 partitions x 2 jobs)%n",
                engine, ModelCache.totalLoads(), ModelCache.predictorsBorrowed());
        assertEquals(1, ModelCache.totalLoads(), "loaded once per JVM, not once per partition");
        assertEquals(12, ModelCache.predictorsBorrowed(), "one predictor per task");
    }

    @Test
    void imageSourceGivesTheSameLabelsAsBinaryFile() throws Exception {
        List<Classifications> ref = reference("PyTorch");
        Dataset<Row> images = spark.read().format("image").load(pngs.toString()).repartition(4);
        long t0 = System.nanoTime();
        List<Row> rows =
                MlpZooSpark.model("mixer/fmnist")
                        .engine("PyTorch")
                        .classifyImages(images)
                        .selectExpr("image.origin", "label", "probability", "topk")
                        .collectAsList();
        assertMatches(
                rows, ref, "image source, PyTorch, 4 partitions", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void transformerIsTheSameScoring() throws Exception {
        List<Classifications> ref = reference("PyTorch");
        ZooModelTransformer t =
                new ZooModelTransformer()
                        .setModel("mixer/fmnist")
                        .setEngine("PyTorch")
                        .setInputCol("content")
                        .setBatchSize(64);
        Dataset<Row> images =
                spark.read().format("binaryFile").load(pngs.toString()).repartition(3);
        assertEquals(
                List.of(
                        "path",
                        "modificationTime",
                        "length",
                        "content",
                        "label",
                        "probability",
                        "topk"),
                List.of(t.transformSchema(images.schema()).fieldNames()));
        long t0 = System.nanoTime();
        List<Row> rows =
                t.transform(images).select("path", "label", "probability", "topk").collectAsList();
        assertMatches(rows, ref, "ZooModelTransformer", (System.nanoTime() - t0) / 1e9);
    }

    /** Three good PNGs, a corrupt one (a PNG cut in half) and a text file named .png. */
    private static Path badFolder() throws Exception {
        Path dir = tmp.resolve("bad");
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Files.createDirectories(dir);
        for (int i = 0; i < 3; i++) {
            Files.copy(
                    pngs.resolve(String.format("img_%04d.png", i)),
                    dir.resolve(String.format("img_%04d.png", i)));
        }
        byte[] png = Files.readAllBytes(pngs.resolve("img_0003.png"));
        Files.write(dir.resolve("broken.png"), java.util.Arrays.copyOf(png, png.length / 2));
        Files.writeString(dir.resolve("text.png"), "not an image at all");
        return dir;
    }

    @Test
    void aCorruptImageFailsTheJobNamingTheFile() throws Exception {
        Dataset<Row> images = spark.read().format("binaryFile").load(badFolder().toString());
        Exception e =
                assertThrows(
                        Exception.class,
                        () ->
                                MlpZooSpark.model("mixer/fmnist")
                                        .engine("PyTorch")
                                        .classifyImages(images)
                                        .collectAsList());
        StringBuilder msgs = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            msgs.append(t.getMessage()).append('\n');
        }
        String m = msgs.toString();
        assertTrue(
                (m.contains("broken.png") || m.contains("text.png")) && m.contains("bad row"), m);
        assertTrue(m.contains("onError=column"), "the message names the other policy: " + m);
    }

    @Test
    void keepGoingReportsBadRowsInTheErrorColumnAndScoresTheRest() throws Exception {
        List<Classifications> ref = reference("PyTorch");
        Dataset<Row> images = spark.read().format("binaryFile").load(badFolder().toString());
        List<Row> rows =
                MlpZooSpark.model("mixer/fmnist")
                        .engine("PyTorch")
                        .batchSize(2)
                        .onError(OnError.COLUMN)
                        .classifyImages(images)
                        .select("path", "label", "probability", "error")
                        .collectAsList();
        assertEquals(5, rows.size());
        Map<String, Row> byName = new HashMap<>();
        for (Row r : rows) {
            byName.put(Path.of(java.net.URI.create(r.getString(0))).getFileName().toString(), r);
        }
        for (String bad : List.of("broken.png", "text.png")) {
            Row r = byName.get(bad);
            assertNull(r.get(1), bad + " has no label");
            assertNull(r.get(2), bad + " has no probability");
            assertNotNull(r.get(3), bad + " has an error");
            assertTrue(r.getString(3).contains(bad), r.getString(3));
            System.out.println("error column: " + r.getString(3));
        }
        assertTrue(byName.get("text.png").getString(3).contains("not a decodable image"));
        assertTrue(byName.get("broken.png").getString(3).contains("not a decodable image"));
        for (int i = 0; i < 3; i++) {
            Row r = byName.get(String.format("img_%04d.png", i));
            assertNull(r.get(3));
            assertEquals(ref.get(i).best().getClassName(), r.getString(1));
            assertEquals(ref.get(i).best().getProbability(), r.getDouble(2), 1e-6);
        }
    }

    @Test
    void theImageSourcesInvalidRowIsABadRow() throws Exception {
        Dataset<Row> images =
                spark.read()
                        .format("image")
                        .option("dropInvalid", false)
                        .load(badFolder().toString());
        List<Row> rows =
                MlpZooSpark.model("mixer/fmnist")
                        .engine("PyTorch")
                        .onError(OnError.COLUMN)
                        .classifyImages(images)
                        .selectExpr("image.origin", "label", "error")
                        .collectAsList();
        int bad = 0;
        for (Row r : rows) {
            if (r.getString(0).endsWith("broken.png") || r.getString(0).endsWith("text.png")) {
                bad++;
                assertNull(r.get(1));
                assertTrue(r.getString(2).contains("not a decodable image"), r.getString(2));
            } else {
                assertNull(r.get(2), r.getString(0));
                assertNotNull(r.get(1));
            }
        }
        assertEquals(2, bad, "the image source kept the invalid files: " + rows);
    }

    @Test
    void aMissingColumnOrModelIsNamedBeforeTheJobRuns() {
        Dataset<Row> images = spark.read().format("binaryFile").load(pngs.toString());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> MlpZooSpark.model("mixer/fmnist").classifyImages(images, "pixels"));
        assertTrue(e.getMessage().contains("no column 'pixels'"), e.getMessage());
        Exception missing =
                assertThrows(
                        Exception.class,
                        () ->
                                MlpZooSpark.model("nosuchmodel/fmnist")
                                        .classifyImages(images.limit(2))
                                        .collectAsList());
        StringBuilder msgs = new StringBuilder();
        for (Throwable t = missing; t != null; t = t.getCause()) {
            msgs.append(t.getMessage()).append('\n');
        }
        assertTrue(msgs.toString().contains("nosuchmodel"), msgs.toString());
    }
}
