package ai.mlpzoo.spark.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Application;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import ai.mlpzoo.nlp.MiniLm;
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
import java.util.Locale;
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
 * <csv> --format csv} on local[2]; its labels are a single-JVM predictor's on the same engine. The
 * same JVM runs {@code ScoreJob minilm --input <texts.txt>}: MiniLM's model, tokenizer and the
 * tokenizer's native library come out of the jar, and the embeddings are the single JVM's.
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
            // the zoo's index holds mlp-zoo's models and mlpzoo-nlp's minilm (appended)
            String index = entry(z, "ai/mlpzoo/zoo/models/index.json");
            assertTrue(
                    index.contains("\"artifactId\": \"mixer\"")
                            && index.contains("\"artifactId\": \"minilm\""),
                    "the jar's zoo index lacks mixer or minilm");
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
                        "com/sun/jna/Native.class",
                        // MiniLM (the embed task): mlpzoo-nlp reads the model and its tokenizer
                        // as resources; the Hugging Face tokenizer is a native library
                        "ai/mlpzoo/nlp/MiniLmBlockFactory.class",
                        "ai/mlpzoo/zoo/models/minilm/l6_v2/serving.properties",
                        MiniLm.ONNX_RESOURCE,
                        MiniLm.TOKENIZER_RESOURCE,
                        "ai/djl/huggingface/tokenizers/HuggingFaceTokenizer.class",
                        "native/lib/tokenizers.properties",
                        "native/lib/linux-x86_64/cpu/libtokenizers.so")) {
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
                    name.startsWith("ai/onnxruntime/native/osx-")
                            || (name.startsWith("native/lib/")
                                    && name.matches("native/lib/[^/]+/.+")
                                    && !name.startsWith("native/lib/linux-x86_64/")),
                    name + ": other platforms' natives are filtered out");
            // of the LangChain4j jar only its two resources: its classes need langchain4j-core
            assertFalse(
                    name.startsWith("dev/langchain4j/") || name.contains("langchain4j"),
                    name + ": LangChain4j's own classes and service files are not needed");
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
        String log = scoreJob("mixer/fmnist", pngs, out, cache, engine, "scorejob-" + engine);
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

    /**
     * Runs ScoreJob as spark-submit would (Spark's jars and the assembly, nothing else) on local[2]
     * with one engine thread, writing a CSV.
     *
     * @param cache an empty DJL cache: the natives (libtorch, the tokenizer's library) are
     *     extracted from the assembly, offline
     * @param extra further ScoreJob arguments
     * @return the JVM's output
     */
    private static String scoreJob(
            String model,
            Path input,
            Path out,
            Path cache,
            String engine,
            String logName,
            String... extra)
            throws Exception {
        List<String> args = new ArrayList<>();
        args.addAll(
                List.of(
                        model,
                        "--input",
                        input.toString(),
                        "--output",
                        out.toString(),
                        "--format",
                        "csv",
                        "--master",
                        "local[2]",
                        "--engine",
                        engine));
        args.addAll(List.of(extra));
        return SparkSubmitJvm.run(
                "ai.mlpzoo.spark.ScoreJob",
                List.of(
                        "-Dspark.master=local[2]",
                        "-DDJL_CACHE_DIR=" + cache,
                        "-Dai.djl.pytorch.num_threads=1",
                        "-Dai.djl.pytorch.num_interop_threads=1"),
                args,
                tmp.resolve(logName + ".log"),
                10);
    }

    /** A dozen English sentences, one a line (no commas: the CSV's fields split on them). */
    private static final List<String> SENTENCES =
            List.of(
                    "The cat sat quietly on the warm windowsill.",
                    "Interest rates rose again this quarter.",
                    "She planted tomatoes and basil in the spring garden.",
                    "The train to Edinburgh leaves at seven in the morning.",
                    "Neural networks learn representations from data.",
                    "A heavy storm knocked out power across the city.",
                    "He forgot his umbrella and walked home in the rain.",
                    "The museum opens a new exhibition on ancient Egypt.",
                    "Fresh bread smells wonderful in the early morning.",
                    "The committee postponed its decision until next week.",
                    "Children played football in the park after school.",
                    "Stars are born inside vast clouds of gas and dust.");

    @Test
    void scoreJobEmbedsATextFileWithMiniLmInAFreshSparkJvm() throws Exception {
        Path txt = tmp.resolve("texts.txt");
        Files.write(txt, SENTENCES, StandardCharsets.UTF_8);
        Path out = tmp.resolve("embeddings.csv");
        Path cache = Files.createDirectories(tmp.resolve("djl-cache-minilm"));
        long t0 = System.nanoTime();
        String log =
                scoreJob(
                        "minilm",
                        txt,
                        out,
                        cache,
                        "PyTorch",
                        "scorejob-minilm",
                        "--batch-size",
                        "4");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(Files.isRegularFile(out), "no CSV written; the JVM's output:\n" + log);
        assertTrue(
                log.contains("scored " + SENTENCES.size() + " rows (0 bad) with minilm [embed]"),
                log);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals("line,text,embedding", lines.get(0));
        assertEquals(
                SENTENCES.size() + 1, lines.size(), "a header and one row per text:\n" + lines);

        Criteria<String, float[]> c =
                Criteria.builder()
                        .setTypes(String.class, float[].class)
                        .optApplication(Application.NLP.TEXT_EMBEDDING)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("minilm")
                        .optEngine("PyTorch")
                        .build();
        List<float[]> reference;
        try (ZooModel<String, float[]> m = c.loadModel();
                Predictor<String, float[]> p = m.newPredictor()) {
            reference = p.batchPredict(SENTENCES);
        }
        double maxDiff = 0;
        double maxNormError = 0;
        boolean[] seen = new boolean[SENTENCES.size()];
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertEquals(3, f.length, "line, text, embedding: " + line);
            int n = Integer.parseInt(f[0]);
            assertTrue(n >= 1 && n <= SENTENCES.size() && !seen[n - 1], "line number " + n);
            seen[n - 1] = true;
            assertEquals(SENTENCES.get(n - 1), f[1], "line " + n + " holds its own text");
            String[] v = f[2].split(" ");
            assertEquals(384, v.length, "MiniLM's width, line " + n);
            float[] expected = reference.get(n - 1);
            assertEquals(384, expected.length);
            double norm = 0;
            for (int j = 0; j < v.length; j++) {
                float x = Float.parseFloat(v[j]);
                norm += (double) x * x;
                maxDiff = Math.max(maxDiff, Math.abs(x - expected[j]));
            }
            maxNormError = Math.max(maxNormError, Math.abs(Math.sqrt(norm) - 1));
        }
        assertTrue(maxDiff < 1e-5, "max |spark-submit - single JVM| " + maxDiff);
        assertTrue(
                maxNormError < 1e-5, "embeddings are unit vectors: max |norm - 1| " + maxNormError);
        try (var files = Files.walk(cache)) {
            List<String> extracted = files.map(f -> f.getFileName().toString()).toList();
            assertTrue(
                    extracted.contains("libtokenizers.so") && extracted.contains("libtorch_cpu.so"),
                    "the tokenizer's library and libtorch were not extracted from the assembly into"
                            + " the empty DJL cache "
                            + cache
                            + ": "
                            + extracted);
        }
        System.out.printf(
                Locale.ROOT,
                "ScoreJob minilm in a fresh JVM (Spark's jars + the assembly): %d texts, max |diff|"
                        + " vs single JVM %.2e, max |norm - 1| %.2e, %.1f s wall-clock with JVM and"
                        + " session start%n",
                SENTENCES.size(),
                maxDiff,
                maxNormError,
                seconds);
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
