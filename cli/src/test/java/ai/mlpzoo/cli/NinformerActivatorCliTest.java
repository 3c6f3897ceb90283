package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mlpzoo import --format ninformer|activator}, then {@code mlpzoo predict} on PyTorch and,
 * after {@code mlpzoo export-onnx}, on ONNX Runtime, reproduce the references' {@code output} and
 * {@code pre_logits}; a bad checkpoint is refused with one line naming the key or field.
 */
class NinformerActivatorCliTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "vision2")
                .toAbsolutePath()
                .normalize();
    }

    @ParameterizedTest
    @CsvSource({"ninformer_tiny, ninformer", "activator_tiny, activator"})
    void importPredictAndOnnxRuntimeReproduceTheReference(String fixture, String format)
            throws Exception {
        Path ref = reference();
        Path io = ref.resolve(fixture + ".io.safetensors");
        Path model = tmp.resolve("model");
        Path onnx = tmp.resolve("onnx");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        format,
                        ref.resolve(fixture).toString(),
                        "--out",
                        model.toString()));
        Path out = tmp.resolve("out.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "predict",
                        "--model",
                        model.toString(),
                        "--input",
                        io.toString(),
                        "--output",
                        out.toString()));
        compare(fixture, "CLI", out, io);
        assertEquals(
                0,
                MlpZooCli.run(
                        "export-onnx", "--model", model.toString(), "--out", onnx.toString()));
        Path ort = tmp.resolve("ort.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "predict",
                        "--engine",
                        "OnnxRuntime",
                        "--model",
                        onnx.toString(),
                        "--input",
                        io.toString(),
                        "--output",
                        ort.toString()));
        compare(fixture, "CLI ONNX Runtime", ort, io);
    }

    private static void compare(String fixture, String what, Path written, Path io)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList got = NDList.decode(manager, Files.readAllBytes(written));
            NDList expected = NDList.decode(manager, Files.readAllBytes(io));
            for (String name : new String[] {"output", "pre_logits"}) {
                NDArray g = find(got, name);
                NDArray w = find(expected, name);
                assertEquals(w.getShape(), g.getShape(), name);
                float diff = g.sub(w).abs().max().getFloat();
                System.out.printf("%s %s parity: %s %.3g%n", what, fixture, name, diff);
                assertTrue(diff < 1e-4, fixture + " " + what + " " + name + " differs by " + diff);
            }
        }
    }

    private static String importError(Path checkpoint, String format) {
        StringWriter err = new StringWriter();
        int code =
                MlpZooCli.run(
                        new PrintWriter(err),
                        "import",
                        "--format",
                        format,
                        checkpoint.toString(),
                        "--out",
                        checkpoint.resolveSibling("imported").toString());
        assertEquals(1, code, err.toString());
        String message = err.toString().strip();
        assertTrue(!message.contains("\n\tat "), "no stack trace: " + message);
        return message;
    }

    @Test
    void badCheckpointsAreRefusedWithOneLineNamingTheProblem() throws Exception {
        Path src = reference().resolve("activator_tiny");
        // the weights of a model with another width: every tensor misshaped, the first one named
        Path wide = Files.createDirectories(tmp.resolve("wide/ckpt"));
        Files.copy(src.resolve("model.safetensors"), wide.resolve("model.safetensors"));
        Files.writeString(
                wide.resolve("config.json"),
                Files.readString(src.resolve("config.json"))
                        .replace("\"d_model\": 32", "\"d_model\": 48"));
        String shape = importError(wide, "activator");
        assertTrue(
                shape.startsWith("mlpzoo: error: ")
                        && shape.contains("has shape")
                        && shape.contains("but the architecture needs"),
                shape);
        // patches that do not tile the image
        Path odd = Files.createDirectories(tmp.resolve("odd/ckpt"));
        Files.copy(src.resolve("model.safetensors"), odd.resolve("model.safetensors"));
        Files.writeString(
                odd.resolve("config.json"),
                Files.readString(src.resolve("config.json"))
                        .replace("\"patch_size\": 4", "\"patch_size\": 5"));
        String patch = importError(odd, "activator");
        assertTrue(
                patch.contains("config.json")
                        && patch.contains(
                                "field 'patch_size' (5) does not divide field"
                                        + " 'image_size' (32)"),
                patch);
        // no weights at all
        Path empty = Files.createDirectories(tmp.resolve("empty/ckpt"));
        Files.copy(src.resolve("config.json"), empty.resolve("config.json"));
        String missing = importError(empty, "activator");
        assertTrue(missing.contains("model.safetensors"), missing);
    }

    private static NDArray find(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no array named " + name);
    }
}
