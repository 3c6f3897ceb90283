package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Application;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlpzoo spark-score mixer --input <folder of PNGs> --output <file> --format csv} on
 * local[2]: a CSV with a header, one row per PNG, the labels of a single-JVM predictor; a corrupt
 * PNG fails the command naming the file. {@code spark-score minilm} over a text file and {@code
 * spark-score tsmixer/etth1_h96} over a JSON file of windows give the single-JVM predictors'
 * embeddings and forecasts.
 */
class SparkScoreCliTest {

    @TempDir Path tmp;

    private static final class Run {
        int code;
        String err;
    }

    private static Run run(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        Run r = new Run();
        try {
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            r.code = MlpZooCli.run(new PrintWriter(err, true), args);
        } finally {
            System.setErr(oldErr);
        }
        r.err = buf.toString(StandardCharsets.UTF_8) + err;
        return r;
    }

    private Path pngs(int n) throws Exception {
        FashionMnist data = FashionMnist.embeddedTestSlice();
        Path dir = Files.createDirectories(tmp.resolve("pngs"));
        for (int i = 0; i < n; i++) {
            BufferedImage img = (BufferedImage) FashionMnistImages.image(data, i).getWrappedImage();
            ImageIO.write(img, "png", dir.resolve(String.format("item%02d.png", i)).toFile());
        }
        return dir;
    }

    @Test
    void scoresAFolderOfPngsToCsvWithTheSingleJvmLabels() throws Exception {
        Path dir = pngs(24);
        Path out = tmp.resolve("scores.csv");
        Run r =
                run(
                        "spark-score",
                        "mixer",
                        "--input",
                        dir.toString(),
                        "--output",
                        out.toString(),
                        "--format",
                        "csv",
                        "--master",
                        "local[2]",
                        "--engine",
                        "PyTorch",
                        "--batch-size",
                        "8");
        System.out.print(r.err);
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("[spark] stage"), "progress per stage: " + r.err);
        assertTrue(r.err.contains("scored 24 rows (0 bad)"), r.err);
        List<String> lines = Files.readAllLines(out);
        assertEquals("path,label,probability,topk", lines.get(0));
        assertEquals(25, lines.size(), "header + one row per image");
        Map<String, String> labels = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            labels.put(Path.of(java.net.URI.create(f[0])).getFileName().toString(), f[1]);
            double p = Double.parseDouble(f[2]);
            assertTrue(p > 0 && p <= 1, line);
        }
        assertSingleJvmLabels(dir, labels);
    }

    /** Each PNG of dir (item00.png ...) has the label a single-JVM predictor gives it. */
    private static void assertSingleJvmLabels(Path dir, Map<String, String> labels)
            throws Exception {
        Criteria<Image, Classifications> c =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("mixer")
                        .optFilter("variant", "fmnist")
                        .optEngine("PyTorch")
                        .build();
        try (ZooModel<Image, Classifications> m = c.loadModel();
                Predictor<Image, Classifications> p = m.newPredictor()) {
            for (int i = 0; i < labels.size(); i++) {
                String name = String.format("item%02d.png", i);
                Image img = ImageFactory.getInstance().fromFile(dir.resolve(name));
                assertEquals(p.predict(img).best().getClassName(), labels.get(name), name);
            }
        }
    }

    @Test
    void scoresAParquetTableOfImagesAsTheFolder() throws Exception {
        Path dir = pngs(16);
        Path table = tmp.resolve("images.parquet");
        Path contentOnly = tmp.resolve("content-only.parquet");
        SparkSession spark =
                SparkSession.builder()
                        .master("local[2]")
                        .config("spark.ui.enabled", "false")
                        .config("spark.driver.host", "127.0.0.1")
                        .getOrCreate();
        try {
            Dataset<Row> files = spark.read().format("binaryFile").load(dir.toString());
            files.select("path", "content").repartition(3).write().parquet(table.toString());
            files.select("content").write().parquet(contentOnly.toString());
        } finally {
            spark.stop();
        }
        Path out = tmp.resolve("table.json");
        Run r =
                run(
                        "spark-score",
                        "mixer",
                        "--input",
                        table.toString(),
                        "--output",
                        out.toString(),
                        "--format",
                        "json",
                        "--master",
                        "local[2]",
                        "--engine",
                        "PyTorch");
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("scored 16 rows (0 bad)"), r.err);
        Map<String, String> labels = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(out)) {
            JsonNode row = json.readTree(line);
            String path = row.get("path").asText();
            labels.put(path.substring(path.lastIndexOf('/') + 1), row.get("label").asText());
        }
        assertEquals(16, labels.size(), "one row per image of the table");
        assertSingleJvmLabels(dir, labels);

        Run noPath =
                run(
                        "spark-score",
                        "mixer",
                        "--input",
                        contentOnly.toString(),
                        "--output",
                        tmp.resolve("none.json").toString(),
                        "--master",
                        "local[2]");
        assertEquals(1, noPath.code, noPath.err);
        assertTrue(
                noPath.err.contains("content-only.parquet")
                        && noPath.err.contains("no string column 'path'"),
                noPath.err);
    }

    @Test
    void aCorruptPngFailsTheCommandNamingTheFile() throws Exception {
        Path dir = pngs(3);
        byte[] png = Files.readAllBytes(dir.resolve("item00.png"));
        Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 2));
        Run r =
                run(
                        "spark-score",
                        "mixer/fmnist",
                        "--input",
                        dir.toString(),
                        "--output",
                        tmp.resolve("out.json").toString(),
                        "--format",
                        "json",
                        "--master",
                        "local[2]");
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.contains("cut.png") && r.err.contains("not a decodable image"), r.err);
        assertTrue(r.err.contains("onError=column"), r.err);
    }

    private static final List<String> TEXTS =
            List.of(
                    "The cat sat on the mat.",
                    "A kitten rests on a rug.",
                    "Stock markets fell sharply today.",
                    "Investors sold shares as prices dropped.",
                    "How do I bake sourdough bread?",
                    "The recipe needs flour and water and salt.",
                    "Quantum computers use qubits.");

    @Test
    void embedsATextFileWithMiniLmAsTheSingleJvmPredictor() throws Exception {
        Path txt = tmp.resolve("texts.txt");
        Files.write(txt, TEXTS, StandardCharsets.UTF_8);
        Path out = tmp.resolve("embeddings.csv");
        Run r =
                run(
                        "spark-score",
                        "minilm",
                        "--input",
                        txt.toString(),
                        "--output",
                        out.toString(),
                        "--master",
                        "local[2]",
                        "--engine",
                        "PyTorch",
                        "--batch-size",
                        "3");
        System.out.print(r.err);
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("scored 7 rows (0 bad) with minilm [embed]"), r.err);
        List<String> lines = Files.readAllLines(out);
        assertEquals("line,text,embedding", lines.get(0));
        assertEquals(TEXTS.size() + 1, lines.size(), "header + one row per text");
        Criteria<String, float[]> c =
                Criteria.builder()
                        .setTypes(String.class, float[].class)
                        .optApplication(Application.NLP.TEXT_EMBEDDING)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("minilm")
                        .optEngine("PyTorch")
                        .build();
        double maxDiff = 0;
        try (ZooModel<String, float[]> m = c.loadModel();
                Predictor<String, float[]> p = m.newPredictor()) {
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                assertEquals(3, f.length, line);
                int n = Integer.parseInt(f[0]);
                assertEquals(TEXTS.get(n - 1), f[1], "line " + n + " holds its own text");
                String[] v = f[2].split(" ");
                float[] expected = p.predict(f[1]);
                assertEquals(384, v.length, "line " + n);
                for (int j = 0; j < v.length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(Float.parseFloat(v[j]) - expected[j]));
                }
            }
        }
        System.out.printf(
                Locale.ROOT, "spark-score minilm vs single JVM: max |diff| %.2e%n", maxDiff);
        // batches of 3 padded to their longest text; the reference ran each text alone
        assertTrue(maxDiff < 1e-5, "max |diff| " + maxDiff);
    }

    /** A window in ETTh1-like units (512 steps x 7 channels): daily cycles and a drift. */
    private static float[][] window(int w) {
        float[][] x = new float[512][7];
        for (int t = 0; t < 512; t++) {
            for (int ch = 0; ch < 7; ch++) {
                double phase = 2 * Math.PI * (t + 5 * w) / 24.0 + ch;
                x[t][ch] = (float) (6 + 2 * ch + (1 + 0.3 * w) * Math.sin(phase) + 0.002 * t * w);
            }
        }
        return x;
    }

    @Test
    void forecastsAJsonFileOfFlatWindowsAsTheSingleJvmForecaster() throws Exception {
        // one object a line: id and the window flattened row-major, read with --window-shape
        List<String> json = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            StringBuilder b = new StringBuilder("{\"id\":" + w + ",\"series\":[");
            float[][] x = window(w);
            for (int t = 0; t < x.length; t++) {
                for (int ch = 0; ch < x[t].length; ch++) {
                    b.append(t + ch == 0 ? "" : ",").append(Float.toString(x[t][ch]));
                }
            }
            json.add(b.append("]}").toString());
        }
        Path in = tmp.resolve("windows.json");
        Files.write(in, json, StandardCharsets.UTF_8);
        Path out = tmp.resolve("forecasts.json");
        Run r =
                run(
                        "spark-score",
                        "tsmixer/etth1_h96",
                        "--input",
                        in.toString(),
                        "--column",
                        "series",
                        "--window-shape",
                        "512x7",
                        "--output",
                        out.toString(),
                        "--format",
                        "json",
                        "--master",
                        "local[2]",
                        "--engine",
                        "PyTorch",
                        "--batch-size",
                        "2");
        System.out.print(r.err);
        assertEquals(0, r.code, r.err);
        assertTrue(
                r.err.contains("scored 4 rows (0 bad) with tsmixer/etth1_h96 [forecast]"), r.err);
        Criteria<float[][], float[][]> c =
                Criteria.builder()
                        .setTypes(float[][].class, float[][].class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("tsmixer")
                        .optFilter("variant", "etth1_h96")
                        .optEngine("PyTorch")
                        .build();
        List<String> lines = Files.readAllLines(out);
        assertEquals(4, lines.size(), "one object per window");
        ObjectMapper mapper = new ObjectMapper();
        double maxRel = 0;
        try (ZooModel<float[][], float[][]> m = c.loadModel();
                Predictor<float[][], float[][]> p = m.newPredictor()) {
            for (String line : lines) {
                JsonNode o = mapper.readTree(line);
                int id = o.get("id").asInt();
                assertTrue(o.get("series") == null, "the window is an input, not an output");
                JsonNode fc = o.get("forecast");
                float[][] expected = p.predict(window(id));
                assertEquals(96, expected.length);
                assertEquals(expected.length, fc.size(), "horizon, id " + id);
                for (int t = 0; t < expected.length; t++) {
                    assertEquals(7, fc.get(t).size(), "channels, id " + id);
                    for (int ch = 0; ch < 7; ch++) {
                        double a = fc.get(t).get(ch).asDouble();
                        double e = expected[t][ch];
                        maxRel = Math.max(maxRel, Math.abs(a - e) / Math.max(1.0, Math.abs(e)));
                    }
                }
            }
        }
        System.out.printf(
                Locale.ROOT, "spark-score tsmixer vs single JVM: max relative diff %.2e%n", maxRel);
        assertTrue(maxRel < 1e-5, "max relative diff " + maxRel);
    }

    @Test
    void aBlankTextLineFailsTheCommandNamingItsLine() throws Exception {
        Path txt = tmp.resolve("texts.txt");
        Files.write(txt, List.of("The cat sat on the mat.", "", "Quantum computers use qubits."));
        Run r =
                run(
                        "spark-score",
                        "minilm",
                        "--input",
                        txt.toString(),
                        "--output",
                        tmp.resolve("e.csv").toString(),
                        "--master",
                        "local[2]",
                        "--engine",
                        "PyTorch");
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.contains("bad row line=2"), r.err);
        assertTrue(!Files.exists(tmp.resolve("e.csv")), "no output after a failed job");
    }

    @Test
    void windowsInACsvAndAMalformedWindowShapeAreRefusedByName() throws Exception {
        Path csv = tmp.resolve("windows.csv");
        Files.write(csv, List.of("id,a,b", "0,1.0,2.0"));
        Run r =
                run(
                        "spark-score",
                        "tsmixer/etth1_h96",
                        "--input",
                        csv.toString(),
                        "--output",
                        tmp.resolve("f.json").toString(),
                        "--master",
                        "local[2]");
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.contains("windows.csv: a CSV cannot hold windows"), r.err);
        Run shape =
                run(
                        "spark-score",
                        "tsmixer/etth1_h96",
                        "--input",
                        csv.toString(),
                        "--window-shape",
                        "512by7",
                        "--output",
                        tmp.resolve("f.json").toString());
        assertEquals(1, shape.code, shape.err);
        assertTrue(
                shape.err.contains("--window-shape is <steps>x<channels>")
                        && shape.err.contains("'512by7'"),
                shape.err);
    }
}
