package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --precision}: an unknown value, bf16 (DJL's PyTorch engine has no bfloat16), int8 on a zoo
 * artifact or a directory without model.int8.onnx are refused with one clear line; {@code
 * export-onnx --quantize int8} then {@code eval --precision int8} runs the int8 graph on ONNX
 * Runtime within 1 point of the float32 model's accuracy on the embedded 1,000 images.
 */
class PrecisionCliTest {

    @TempDir Path tmp;

    @Test
    void unknownPrecisionNamesTheKnownOnes() {
        assertCliError(
                "unknown --precision 'fp8'; known: fp32, bf16, int8",
                "eval",
                "mixer",
                "--embedded",
                "--precision",
                "fp8");
        assertCliError(
                "unknown --precision 'half'",
                "predict",
                "--model",
                tmp.toString(),
                "--input",
                "x",
                "--output",
                "y",
                "--precision",
                "half");
    }

    @Test
    void bf16IsRefusedWithTheReason() {
        assertCliError("no bfloat16", "eval", "mixer", "--embedded", "--precision", "bf16");
        assertCliError("no bfloat16", "bench", "mixer_b16_infer", "--precision", "bf16");
    }

    @Test
    void int8NeedsTheQuantisedGraph() throws Exception {
        assertCliError(
                "needs a model directory with model.int8.onnx",
                "eval",
                "mixer",
                "--embedded",
                "--precision",
                "int8");
        Path dir = tmp.resolve("fp32");
        assertEquals(0, MlpZooCli.run("export-onnx", "--model", "mixer", "--out", dir.toString()));
        assertCliError(
                "has no model.int8.onnx; write it with mlpzoo export-onnx",
                "eval",
                dir.toString(),
                "--embedded",
                "--precision",
                "int8");
        assertCliError(
                "has no model.int8.onnx",
                "predict",
                "--model",
                dir.toString(),
                "--input",
                "x",
                "--output",
                "y",
                "--precision",
                "int8");
        assertCliError(
                "unknown --quantize 'int4'; known: int8",
                "export-onnx",
                "--model",
                "mixer",
                "--out",
                dir.toString(),
                "--quantize",
                "int4");
        assertCliError(
                "--keep-float applies only with --quantize int8",
                "export-onnx",
                "--model",
                "mixer",
                "--out",
                dir.toString(),
                "--keep-float",
                "head");
        assertCliError(
                "keep-float entry 'blocks.0/MatMul' is not a dotted layer path",
                "export-onnx",
                "--model",
                "mixer",
                "--out",
                dir.toString(),
                "--quantize",
                "int8",
                "--keep-float",
                "blocks.0/MatMul");
        // a typo names no layer: refused, with the graph's layer paths to pick from
        assertCliError(
                "keep-float entries [mlp_token] name no MatMul with a constant weight in this"
                        + " graph; its layers are named like [blocks.0.mlp_tokens.fc1",
                "export-onnx",
                "--model",
                "mixer",
                "--out",
                dir.toString(),
                "--quantize",
                "int8",
                "--keep-float",
                "mlp_token");
        assertCliError(
                "--precision int8 applies to mixer_b16_infer and predict1_*; gemm runs in fp32 only",
                "bench",
                "gemm",
                "--precision",
                "int8");
        assertEquals(
                List.of("mixer_b16_infer_int8", "predict1_int8"),
                BenchCommand.int8Cases(List.of("mixer_b16_infer", "predict1_pytorch")));
        // the int8 cases are known to the harness, though not in its default run
        assertEquals(
                List.of("mixer_b16_infer_int8", "predict1_int8"),
                ai.mlpzoo.bench.Cases.resolve(
                        BenchCommand.int8Cases(List.of()),
                        ai.mlpzoo.bench.Cases.Options.defaults()));
    }

    @Test
    void exportedInt8EvaluatesCloseToFloat32() throws Exception {
        Path dir = tmp.resolve("int8");
        assertEquals(
                0,
                MlpZooCli.run(
                        "export-onnx",
                        "--model",
                        "mixer",
                        "--out",
                        dir.toString(),
                        "--quantize",
                        "int8"));
        assertTrue(Files.isRegularFile(dir.resolve("model.int8.onnx")));
        double fp32 = accuracy(run("eval", "mixer", "--embedded"));
        String out = run("eval", dir.toString(), "--embedded", "--precision", "int8");
        assertTrue(out.contains("(int8, ONNX Runtime)"), out);
        double int8 = accuracy(out);
        System.out.printf("embedded slice: fp32 %.2f%%, int8 %.2f%%%n", fp32, int8);
        assertTrue(Math.abs(fp32 - int8) <= 1.0, "fp32 " + fp32 + "% vs int8 " + int8 + "%");
    }

    private static double accuracy(String out) {
        Matcher m = Pattern.compile("test accuracy ([0-9.]+)%").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    private static String run(String... args) {
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
        assertEquals(0, code, out + err);
        return out;
    }
}
