package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.mlpzoo.zoo.MlpZoo;
import ai.mlpzoo.zoo.ZooEntry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code mlpzoo list} and {@code mlpzoo demo}. */
class ZooCommandsTest {

    /** Runs the command line, capturing standard output. */
    private static String run(int expectedCode, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = MlpZooCli.run(new PrintWriter(err, true), args);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, out + err);
        return expectedCode == 0 ? out : err.toString();
    }

    @Test
    void listShowsEveryModelWithItsSize() throws Exception {
        String out = run(0, "list");
        assertTrue(
                out.matches(
                        "(?s)GROUP\\s+ARTIFACT\\s+VARIANT\\s+PRETRAINED\\s+PARAMS\\s+DESCRIPTION\n.*"),
                out);
        assertTrue(
                Pattern.compile(
                                "ai\\.mlpzoo\\s+mixer\\s+fmnist\\s+(yes|no)\\s+\\d+(\\.\\d+)?[KM]\\s+MLP-Mixer for Fashion-MNIST")
                        .matcher(out)
                        .find(),
                out);
        // added by mlpzoo-nlp's own index
        assertTrue(
                Pattern.compile(
                                "ai\\.mlpzoo\\s+minilm\\s+l6_v2\\s+yes\\s+22\\.6M\\s+sentence-transformers")
                        .matcher(out)
                        .find(),
                out);
        assertTrue(
                Pattern.compile(
                                "ai\\.mlpzoo\\s+mixer\\s+b16_224\\s+no\\s+59\\.9M\\s+timm mixer_b16_224")
                        .matcher(out)
                        .find(),
                out);
        assertTrue(
                Pattern.compile("ai\\.mlpzoo\\s+gmlp\\s+ti16_224\\s+no\\s+5\\.87M")
                        .matcher(out)
                        .find(),
                out);
        assertTrue(
                Pattern.compile("ai\\.mlpzoo\\s+mixer\\s+l16_224\\s+no\\s+208M")
                        .matcher(out)
                        .find(),
                out);
        assertTrue(
                Pattern.compile("ai\\.mlpzoo\\s+gmlp\\s+fmnist\\s+(yes|no)\\s+\\d+(\\.\\d+)?[KM]")
                        .matcher(out)
                        .find(),
                out);
        assertTrue(
                Pattern.compile("ai\\.mlpzoo\\s+kan\\s+fmnist\\s+yes\\s+518K\\s+B-spline KAN")
                        .matcher(out)
                        .find(),
                out);
        // every entry: mlp-zoo's (4 forecasters among them) and minilm of mlpzoo-nlp, both on the
        // path
        assertEquals(
                MlpZoo.entries().size(),
                out.lines().filter(l -> l.startsWith("ai.mlpzoo")).count());
        assertTrue(MlpZoo.entries().size() >= 23, "at least 23 entries: " + out);
    }

    @Test
    void demoLoadsEachModelThroughCriteriaAndTabulatesAccuracyAndLatency() throws Exception {
        String out =
                run(
                        0,
                        "demo",
                        "--all",
                        "--embedded",
                        "--limit",
                        "40",
                        "--latency-samples",
                        "3",
                        "--batch",
                        "16");
        assertTrue(out.contains("Test data: embedded Fashion-MNIST test slice, 40 images"), out);
        Pattern row =
                Pattern.compile(
                        "([a-z-]+)/fmnist\\s+(trained|random \\(placeholder\\))\\s+\\S+[KM]\\s+40\\s+(\\d+\\.\\d\\d)%\\s+(\\d+\\.\\d\\d)\\s+\\d+\\s+\\d+\\.\\d");
        Matcher m = row.matcher(out);
        int rows = 0;
        while (m.find()) {
            rows++;
            double acc = Double.parseDouble(m.group(3));
            assertTrue(acc >= 0 && acc <= 100, m.group());
            assertTrue(Double.parseDouble(m.group(4)) > 0, "a latency: " + m.group());
        }
        long fmnist =
                MlpZoo.entries().stream()
                        .filter(e -> "fashion-mnist".equals(e.properties().get("dataset")))
                        .count();
        assertTrue(fmnist >= 5, "mixer, resmlp, gmlp, kan, hourglass at least");
        assertEquals(fmnist, rows, out);
        // the forecasters: measured on the ETT test split when the files are found, else the
        // figures recorded at training; either way the horizon-96 models meet the bound
        Pattern forecaster =
                Pattern.compile(
                        "(timemixer|tsmixer)/etth1_h(96|336)\\s+etth1\\s+(96|512)\\s+(96|336)\\s+\\S+\\s+(recorded|[\\d,]+)\\s+(\\d\\.\\d{4})\\s+(\\d\\.\\d{4})\\s+(\\d+\\.\\d\\d)");
        Matcher f = forecaster.matcher(out);
        int forecasters = 0;
        while (f.find()) {
            forecasters++;
            double mse = Double.parseDouble(f.group(6));
            if ("96".equals(f.group(2))) {
                assertTrue(mse <= 0.385, "ETTh1 test MSE at horizon 96: " + f.group());
            }
            assertTrue(Double.parseDouble(f.group(8)) > 0, "a latency: " + f.group());
        }
        assertEquals(4, forecasters, out);
    }

    @Test
    void demoWithoutFlagsRunsOnlyPretrainedModels() throws Exception {
        List<String> pretrained =
                MlpZoo.entries().stream()
                        .filter(ZooEntry::pretrained)
                        // the demo classifies Fashion-MNIST: minilm (text) is not among them
                        .filter(e -> "fashion-mnist".equals(e.properties().get("dataset")))
                        .map(ZooEntry::id)
                        .collect(Collectors.toList());
        String out = run(0, "demo", "--embedded", "--limit", "20", "--latency-samples", "2");
        if (pretrained.isEmpty()) {
            assertTrue(out.contains("No pretrained Fashion-MNIST model in this build"), out);
        } else {
            for (String id : pretrained) {
                assertTrue(
                        Pattern.compile(Pattern.quote(id) + "\\s+trained\\s").matcher(out).find(),
                        out);
            }
        }
    }

    @Test
    void badDemoOptionsGiveAOneLineError() {
        String err = run(1, "demo", "--all", "--batch", "0");
        assertTrue(
                err.startsWith("mlpzoo: error: --batch and --latency-samples must be positive"),
                err);
    }
}
