package ai.mlpzoo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CI smoke run of the benchmark: every case but the 3.5-second mixer_b16_infer and two of the
 * three Fashion-MNIST throughput cases (the same code as the third), one warm-up and two timed
 * steps (50 predictions for the RSS case), one PyTorch thread (steady on a loaded machine),
 * checking the printed line format and that every number is finite and positive. It times nothing
 * worth keeping.
 */
class BenchSmokeTest {

    private static final Pattern LINE =
            Pattern.compile(
                    "^(\\S+) ms_per_step=([0-9.]+) steps=(\\d+)( gflops=([0-9.]+))?((?: \\S+=\\S+)*)$");

    @Test
    void everyCaseBut16x16MixerPrintsAWellFormedLine() throws Exception {
        Cases.Options o = new Cases.Options(Cases.ENGINES, null, 50, 1);
        List<String> cases = new ArrayList<>(Cases.names(o));
        cases.remove("mixer_b16_infer");
        cases.remove("train_resmlp_fmnist");
        cases.remove("train_gmlp_fmnist");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<BenchResult> results;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream ls = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            results = Bench.run(cases, 1, 2, o, ps, ls);
        }
        assertTrue(
                log.toString(StandardCharsets.UTF_8).startsWith("# "), "header on the log stream");
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(cases.size(), lines.length, String.join("\n", lines));
        assertEquals(cases.size(), results.size());
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            System.out.println(line);
            String name = cases.get(i);
            if (line.startsWith(name + " skipped: ")) {
                assertTrue(
                        name.endsWith("_onnxruntime"),
                        "only the ONNX Runtime cases may be skipped: " + line);
                continue;
            }
            Matcher mm = LINE.matcher(line);
            assertTrue(mm.matches(), "malformed line: " + line);
            assertEquals(name, mm.group(1));
            assertPositive(mm.group(2), line);
            int steps = Integer.parseInt(mm.group(3));
            assertEquals("predict_rss".equals(name) ? 50 : 2, steps, line);
            if (mm.group(5) != null) {
                assertPositive(mm.group(5), line);
            }
            Map<String, String> extras = extras(mm.group(6));
            if (name.startsWith("predict")) {
                assertPositive(extras.get("p50_ms"), line);
                assertPositive(extras.get("p99_ms"), line);
            }
            if (name.equals("predict_rss")) {
                assertPositive(extras.get("rss_before_mib"), line);
                assertPositive(extras.get("rss_after_mib"), line);
                assertTrue(Double.isFinite(Double.parseDouble(extras.get("rss_growth_pct"))), line);
            }
            if (name.startsWith("train_")
                    || name.equals("mixer_train")
                    || name.equals("kan_train")) {
                assertPositive(extras.get("images_per_s"), line);
            }
        }
        for (String known :
                List.of("gemm", "mixer_train", "mixer_b16_infer", "kan_train", "sae_topk_train")) {
            assertTrue(
                    Double.isFinite(Cases.create(known, o).flopsPerStep()),
                    known + " has its FLOPs counted");
        }
    }

    @Test
    void unknownCaseIsRejectedWithTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Cases.resolve(
                                        List.of("gemm", "mixer_infer2"), Cases.Options.defaults()));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "unknown benchmark case 'mixer_infer2'; known: gemm, mixer_train"),
                e.getMessage());
        assertEquals(
                List.of("kan_train", "gemm"),
                Cases.resolve(List.of("kan_train", "gemm", "kan_train"), Cases.Options.defaults()));
        assertEquals(
                Cases.names(Cases.Options.defaults()),
                Cases.resolve(List.of(), Cases.Options.defaults()));
    }

    @Test
    void anInferenceCaseHasAnOnnxRuntimeTwinComparedWithItsReference() throws Exception {
        Cases.Options o = Cases.Options.defaults();
        List<String> twins = List.of("poolformer_infer1_onnxruntime", "mixer_infer1_onnxruntime");
        assertEquals(twins, Cases.resolve(twins, o));
        assertEquals("poolformer_infer1", Cases.referenceName(twins.get(0), o));
        assertEquals("mixer_infer1", Cases.referenceName("mixer_infer1", o));
        // the cases that are not one-input inference have no twin: a training step, an unknown base
        for (String none :
                List.of(
                        "mixer_train_onnxruntime",
                        "timemixer_infer1_onnxruntime",
                        "x_onnxruntime")) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class, () -> Cases.resolve(List.of(none), o));
            assertTrue(
                    e.getMessage().startsWith("unknown benchmark case '" + none + "'"),
                    e.getMessage());
            assertEquals(none, Cases.referenceName(none, o));
        }
        assertTrue(!Cases.names(o).contains(twins.get(0)), "not in the default run");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream ls = new PrintStream(new ByteArrayOutputStream())) {
            Bench.run(List.of(twins.get(0)), 1, 2, o, ps, ls);
        }
        String line = out.toString(StandardCharsets.UTF_8).strip();
        Matcher mm = LINE.matcher(line);
        assertTrue(mm.matches(), "malformed line: " + line);
        assertEquals(twins.get(0), mm.group(1));
        assertEquals("2", mm.group(3), line);
    }

    @Test
    void percentilesAndLine() {
        double[] ms = {1, 2, 3, 4};
        assertEquals(2.5, BenchResult.percentile(ms, 50));
        assertEquals(4, BenchResult.percentile(ms, 99));
        assertEquals(1, BenchResult.percentile(ms, 25));
        double[] odd = new double[101];
        for (int i = 0; i < odd.length; i++) {
            odd[i] = i;
        }
        assertEquals(50, BenchResult.percentile(odd, 50));
        assertEquals(99, BenchResult.percentile(odd, 99)); // rank ceil(0.99 * 101) = 100
        BenchResult r =
                new BenchResult(
                        "gemm", new double[] {10, 20, 30}, 2e9, new LinkedHashMap<>(), null);
        assertEquals("gemm ms_per_step=20.000 steps=3 gflops=100.0", r.line());
        assertEquals("x skipped: why", BenchResult.skipped("x", "why").line());
    }

    @Test
    void matmulFlopsAreCountedAnalytically() {
        // gemm: 2 n^3
        assertEquals(
                2.0 * 1024 * 1024 * 1024,
                Cases.create("gemm", Cases.Options.defaults()).flopsPerStep());
        // mixer_infer1: stem 2*49*16*128, per block 2*128*49*64*2 + 2*49*128*512*2, head 2*128*10
        double block = 2.0 * 128 * 49 * 64 * 2 + 2.0 * 49 * 128 * 512 * 2;
        double expected = 2.0 * 49 * 16 * 128 + 8 * block + 2.0 * 128 * 10;
        assertEquals(
                expected,
                Cases.create("mixer_infer1", Cases.Options.defaults()).flopsPerStep(),
                1e-3);
        // kan_train: layer 0 forward + weight gradient, layer 1 forward + both gradients; 9 = G + k
        // + 1
        double kan = 2 * (2.0 * 256 * 784 * 64 * 9) + 3 * (2.0 * 256 * 64 * 10 * 9);
        assertEquals(kan, Cases.create("kan_train", Cases.Options.defaults()).flopsPerStep(), 1e-3);
    }

    private static Map<String, String> extras(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : s.trim().split(" ")) {
            if (!kv.isEmpty()) {
                int eq = kv.indexOf('=');
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return m;
    }

    private static void assertPositive(String v, String line) {
        assertTrue(v != null, "missing field in " + line);
        double d = Double.parseDouble(v);
        assertTrue(Double.isFinite(d) && d > 0, v + " in " + line);
    }
}
