package ai.mlpzoo.spark.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The assembly jar works as spark-submit runs it: a fresh JVM with only Spark's jars and the
 * assembly on its class path, Spark's JVM flags, offline, and an empty DJL cache (so libtorch must
 * come out of the jar), runs {@code ai.mlpzoo.spark.ScoreJob mixer/fmnist --input <PNGs> --output
 * <csv> --format csv} on local[2]; its labels are a single-JVM predictor's on the same engine.
 */
class SparkSubmitAssemblyTest {

    private static final int IMAGES = 12;
    private static final Pattern INDEX = Pattern.compile("img_(\\d+)\\.png$");

    @TempDir static Path tmp;
    static Path pngs;
    static FashionMnist data;

    @BeforeAll
    static void writePngs() throws IOException {
        data = FashionMnist.embeddedTestSlice();
        pngs = Files.createDirectories(tmp.resolve("pngs"));
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage img = (BufferedImage) FashionMnistImages.image(data, i).getWrappedImage();
            ImageIO.write(img, "png", pngs.resolve(String.format("img_%04d.png", i)).toFile());
        }
    }

    @Test
    void jarHoldsTheExecutorsNeedsAndNothingSparkProvides() throws IOException {
        Path jar = SparkSubmitJvm.assembly();
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
                names.add(e.nextElement().getName());
            }
            // ServiceLoader finds both engines and the zoo: the service files were merged
            String engines = entry(z, "META-INF/services/ai.djl.engine.EngineProvider");
            assertTrue(engines.contains("ai.djl.pytorch.engine.PtEngineProvider"), engines);
            assertTrue(engines.contains("ai.djl.onnxruntime.engine.OrtEngineProvider"), engines);
            String zoos = entry(z, "META-INF/services/ai.djl.repository.zoo.ZooProvider");
            assertTrue(zoos.contains("ai.mlpzoo.zoo.MlpZooProvider"), zoos);
            String manifest = entry(z, "META-INF/MANIFEST.MF");
            assertTrue(manifest.contains("Main-Class: ai.mlpzoo.spark.ScoreJob"), manifest);
        }
        for (String needed :
                List.of(
                        "ai/mlpzoo/spark/ScoreJob.class",
                        "ai/mlpzoo/zoo/MlpZooProvider.class",
                        "ai/mlpzoo/zoo/models/mixer/fmnist/model-0000.params",
                        "ai/mlpzoo/translate/ImageClassifierFactory.class",
                        "ai/djl/engine/Engine.class",
                        "ai/djl/pytorch/engine/PtEngine.class",
                        "ai/djl/pytorch/jni/PyTorchLibrary.class",
                        "native/lib/pytorch.properties",
                        "pytorch/cpu/linux-x86_64/libtorch_cpu.so",
                        "ai/djl/onnxruntime/engine/OrtEngine.class",
                        "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                        "com/google/gson/Gson.class",
                        "com/sun/jna/Native.class")) {
            assertTrue(names.contains(needed), "the assembly lacks " + needed);
        }
        for (String name : names) {
            for (String provided :
                    List.of(
                            "org/apache/spark/",
                            "scala/",
                            "com/fasterxml/jackson/",
                            "io/netty/",
                            "org/slf4j/",
                            "org/apache/logging/",
                            "org/apache/commons/",
                            "org/apache/hadoop/")) {
                assertFalse(
                        name.startsWith(provided),
                        name + ": the cluster's Spark provides " + provided + ", not the assembly");
            }
            assertFalse(
                    name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"),
                    name + ": a signature of an original jar, which the merged jar would fail");
            assertFalse(
                    name.startsWith("ai/onnxruntime/native/osx-"),
                    name + ": other platforms' natives are filtered out");
        }
        System.out.printf(
                "assembly %s: %.1f MB, %d entries%n",
                jar.getFileName(), Files.size(jar) / 1e6, names.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "OnnxRuntime"})
    void scoreJobInAFreshSparkJvmGivesTheSingleJvmLabels(String engine) throws Exception {
        Path out = tmp.resolve("scores-" + engine + ".csv");
        Path cache = Files.createDirectories(tmp.resolve("djl-cache-" + engine));
        long t0 = System.nanoTime();
        String log =
                SparkSubmitJvm.run(
                        "ai.mlpzoo.spark.ScoreJob",
                        List.of(
                                "-Dspark.master=local[2]",
                                // an empty DJL cache: libtorch is extracted from the jar, offline
                                "-DDJL_CACHE_DIR=" + cache,
                                "-Dai.djl.pytorch.num_threads=1",
                                "-Dai.djl.pytorch.num_interop_threads=1"),
                        List.of(
                                "mixer/fmnist",
                                "--input",
                                pngs.toString(),
                                "--output",
                                out.toString(),
                                "--format",
                                "csv",
                                "--master",
                                "local[2]",
                                "--engine",
                                engine),
                        tmp.resolve("scorejob-" + engine + ".log"),
                        10);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(Files.isRegularFile(out), "no CSV written; the JVM's output:\n" + log);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int pathCol = header.indexOf("path");
        int labelCol = header.indexOf("label");
        assertTrue(pathCol >= 0 && labelCol >= 0, "CSV header: " + lines.get(0));
        assertEquals(IMAGES + 1, lines.size(), "a header and one row per PNG:\n" + lines);

        List<Classifications> reference = reference(engine);
        Map<Integer, String> labels = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split(",");
            Matcher m = INDEX.matcher(cols[pathCol]);
            assertTrue(m.find(), "a row that is no input PNG: " + line);
            labels.put(Integer.parseInt(m.group(1)), cols[labelCol]);
        }
        assertEquals(IMAGES, labels.size(), "one row per PNG: " + lines);
        int correct = 0;
        for (int i = 0; i < IMAGES; i++) {
            assertEquals(
                    reference.get(i).best().getClassName(),
                    labels.get(i),
                    engine + ": label of img_" + i + " (spark-submit layout vs single JVM)");
            if (labels.get(i).equals(FashionMnist.CLASSES[data.labels()[i]])) {
                correct++;
            }
        }
        if (engine.equals("PyTorch")) {
            try (var files = Files.walk(cache)) {
                assertTrue(
                        files.anyMatch(f -> f.getFileName().toString().equals("libtorch_cpu.so")),
                        "libtorch was not extracted from the assembly into the empty DJL cache "
                                + cache);
            }
        }
        System.out.printf(
                "ScoreJob in a fresh JVM (Spark's jars + the assembly), %s: %d PNGs, labels ="
                        + " single JVM's, %d/%d correct, %.1f s wall-clock with JVM and session"
                        + " start%n",
                engine, IMAGES, correct, IMAGES, seconds);
    }

    private static List<Classifications> reference(String engine) throws Exception {
        Criteria<Image, Classifications> c =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("mixer")
                        .optFilter("variant", "fmnist")
                        .optEngine(engine)
                        .build();
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.add(FashionMnistImages.image(data, i));
        }
        try (ZooModel<Image, Classifications> m = c.loadModel();
                Predictor<Image, Classifications> p = m.newPredictor()) {
            return p.batchPredict(images);
        }
    }

    private static String entry(ZipFile z, String name) throws IOException {
        ZipEntry e = z.getEntry(name);
        assertTrue(e != null, "the assembly lacks " + name);
        try (InputStream in = z.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
