package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlpzoo spark-score mixer --input <folder of PNGs> --output <file> --format csv} on
 * local[2]: a CSV with a header, one row per PNG, the labels of a single-JVM predictor; a corrupt
 * PNG fails the command naming the file.
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
            for (int i = 0; i < 24; i++) {
                String name = String.format("item%02d.png", i);
                Image img = ImageFactory.getInstance().fromFile(dir.resolve(name));
                assertEquals(p.predict(img).best().getClassName(), labels.get(name), name);
            }
        }
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
}
