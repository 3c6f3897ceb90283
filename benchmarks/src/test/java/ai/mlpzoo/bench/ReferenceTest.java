package ai.mlpzoo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code mlpzoo bench --reference}: our case, then the repository's Python script on the same case,
 * and the table of both medians and their ratio. The run with the script needs /usr/bin/python3
 * with torch (Debian's python3-torch) and is skipped with a message without it; the parsing and the
 * table are checked everywhere.
 */
class ReferenceTest {

    @Test
    void parsesTheHarnessLineFormatBack() {
        BenchResult r =
                Reference.parse(
                        "mixer_train ms_per_step=563.5 steps=10 gflops=78.9 images_per_s=227 cpu_ms_per_step=1100.2");
        assertEquals("mixer_train", r.name());
        assertEquals(563.5, r.medianMs(), 0);
        assertEquals(10, r.steps());
        assertEquals(
                Map.of("gflops", "78.9", "images_per_s", "227", "cpu_ms_per_step", "1100.2"),
                r.extras());
        BenchResult s = Reference.parse("kan_train skipped: no torch here");
        assertEquals("no torch here", s.skipped());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Reference.parse("gemm steps=3"));
        assertTrue(e.getMessage().contains("without ms_per_step"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Reference.parse("gemm ms_per_step=fast steps=3"));
        assertTrue(e.getMessage().contains("ms_per_step=fast"), e.getMessage());
    }

    @Test
    void tableHasTheRatioReferenceOverOursAndNaWhereASideIsMissing() {
        Comparison c =
                new Comparison(
                        List.of(
                                new Comparison.Row(
                                        "gemm",
                                        Reference.parse("gemm ms_per_step=15.600 steps=5"),
                                        Reference.parse("gemm ms_per_step=39.000 steps=5")),
                                new Comparison.Row(
                                        "predict_rss",
                                        Reference.parse("predict_rss ms_per_step=2.5 steps=9"),
                                        BenchResult.skipped("predict_rss", "no Python side")),
                                new Comparison.Row(
                                        "predict1_onnxruntime",
                                        BenchResult.skipped("predict1_onnxruntime", "no model"),
                                        BenchResult.skipped("predict1_onnxruntime", "none"))));
        assertEquals(
                "| case | ours | reference | speed-up (reference/ours) |\n"
                        + "| --- | --- | --- | --- |\n"
                        + "| gemm | 15.600 ms | 39.000 ms | 2.50 |\n"
                        + "| predict_rss | 2.500 ms | n/a | n/a |\n"
                        + "| predict1_onnxruntime | n/a | n/a | n/a |\n",
                c.markdown());
    }

    @Test
    void aMissingInterpreterMakesEveryReferenceNaWithTheReason() {
        Reference r = new Reference("/nonexistent/python3", Path.of("bench.py"));
        BenchResult b = r.run("gemm", 0, 1, 1);
        assertNotNull(b.skipped());
        assertTrue(b.skipped().startsWith("cannot run /nonexistent/python3"), b.skipped());
    }

    @Test
    void oursThenTheReferenceInOneRunWithTheirRatio() throws Exception {
        assumeTrue(
                torchAvailable(),
                "skipped: "
                        + Reference.DEFAULT_PYTHON
                        + " with torch is not installed"
                        + " (apt-get install python3-torch)");
        // found above the working directory (the module's), as the CLI finds it
        Path script = Reference.findScript();
        assertTrue(script.endsWith(Reference.SCRIPT), script.toString());
        Reference ref = new Reference(Reference.DEFAULT_PYTHON, script);
        List<String> cases = List.of("gemm", "mixer_infer1", "repmlp_fmnist_deploy_infer128");
        assertTrue(ref.cases().containsAll(cases.subList(0, 2)), ref.cases().toString());
        Cases.Options o = new Cases.Options(Cases.ENGINES, null, 50, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Comparison c;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream ls = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            c = Bench.runWithReference(cases, 0, 2, o, ref, ps, ls);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        String logText = log.toString(StandardCharsets.UTF_8);
        assertTrue(logText.contains("# reference ") && logText.contains("torch 1."), logText);
        // our line, then the reference's, per case
        List<String> lines = new ArrayList<>(List.of(text.split("\n")));
        assertTrue(lines.get(0).startsWith("gemm ms_per_step="), text);
        assertTrue(lines.get(1).startsWith("reference gemm ms_per_step="), text);
        assertTrue(lines.get(1).contains(" steps=2 gflops="), text);
        assertTrue(lines.get(3).startsWith("reference mixer_infer1 ms_per_step="), text);
        assertEquals(
                "reference repmlp_fmnist_deploy_infer128 skipped: no Python reference of this case",
                lines.get(5));
        // the table: its cells read back give the ratio reference / ours
        int head = lines.indexOf("| case | ours | reference | speed-up (reference/ours) |");
        assertTrue(head > 0, text);
        for (int i = 0; i < cases.size(); i++) {
            String[] cells = lines.get(head + 2 + i).split(" \\| ");
            assertEquals("| " + cases.get(i), cells[0]);
            if (i == 2) {
                assertTrue(cells[1].endsWith(" ms"), cells[1]);
                assertEquals("n/a", cells[2]);
                assertEquals("n/a |", cells[3]);
                continue;
            }
            double ours = Double.parseDouble(cells[1].replace(" ms", ""));
            double reference = Double.parseDouble(cells[2].replace(" ms", ""));
            double ratio = Double.parseDouble(cells[3].replace(" |", ""));
            // the cell is BenchResult.fmt: one decimal from 100 ms, three below
            assertEquals(c.rows().get(i).ours().medianMs(), ours, ours >= 100 ? 0.05 : 5e-4);
            assertEquals(reference / ours, ratio, 0.005 + 1e-3 * ratio, lines.get(head + 2 + i));
            assertEquals(2, c.rows().get(i).reference().steps());
        }
        assertEquals(head + 2 + cases.size(), lines.size(), text);
    }

    private static boolean torchAvailable() throws Exception {
        if (!Files.isExecutable(Path.of(Reference.DEFAULT_PYTHON))) {
            return false;
        }
        Process p =
                new ProcessBuilder(Reference.DEFAULT_PYTHON, "-c", "import torch")
                        .redirectErrorStream(true)
                        .start();
        p.getInputStream().readAllBytes();
        return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
