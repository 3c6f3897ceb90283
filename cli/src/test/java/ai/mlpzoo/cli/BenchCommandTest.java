package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void benchPrintsOneLinePerCase() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = MlpZooCli.run("bench", "gemm", "--steps", "2", "--warmup", "1");
        } finally {
            System.setOut(saved);
        }
        String text = buf.toString(StandardCharsets.UTF_8).strip();
        assertEquals(0, code, text);
        assertTrue(
                text.matches(
                        "gemm ms_per_step=[0-9.]+ steps=2 gflops=[0-9.]+ cpu_ms_per_step=[0-9.]+ faults_per_step=\\d+"),
                text);
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertCliError("unknown benchmark case 'gemmm'; known: gemm, ", "bench", "gemmm");
        assertCliError(
                "unknown engine 'tensorflow'; known: PyTorch, OnnxRuntime",
                "bench",
                "--engine",
                "tensorflow",
                "gemm");
        assertCliError(
                "--steps and --predictions must be positive", "bench", "--steps", "0", "gemm");
        assertCliError(
                "--threads 100000 is more than 4 x the", "bench", "--threads", "100000", "gemm");
        assertCliError(
                "--markdown and --reference-script go with --reference; add --reference",
                "bench",
                "--markdown",
                "t.md",
                "gemm");
        assertCliError(
                "--reference-script /nonexistent/bench.py: no such file",
                "bench",
                "--reference",
                "--reference-script",
                "/nonexistent/bench.py",
                "gemm");
    }
}
