package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.io.SafeTensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** export-onnx then predict --engine OnnxRuntime reproduces timm's reference outputs. */
class ExportOnnxCliTest {

    @TempDir Path tmp;

    @Test
    void exportedTimmImportRunsOnOnnxRuntime() throws Exception {
        Path reference = Paths.get(System.getProperty("mlpzoo.shared", "../shared"), "fixtures", "reference");
        Path imported = tmp.resolve("mixer");
        Path exported = tmp.resolve("mixer-onnx");
        Path io = reference.resolve("mixer_tiny.io.safetensors");
        assertEquals(0, MlpZooCli.run("import", "--format", "timm", reference.resolve("mixer_tiny").toString(), "--out", imported.toString()));
        assertEquals(0, MlpZooCli.run("export-onnx", "--model", imported.toString(), "--out", exported.toString()));
        assertTrue(Files.isRegularFile(exported.resolve("model.onnx")));
        assertTrue(Files.isRegularFile(exported.resolve("model-0000.params")));
        Path out = tmp.resolve("ort.safetensors");
        assertEquals(0, MlpZooCli.run("predict", "--engine", "OnnxRuntime", "--model", exported.toString(),
                "--input", io.toString(), "--output", out.toString()));
        try (NDManager m = NDManager.newBaseManager()) {
            NDList expected = SafeTensors.read(m, io);
            NDList actual = SafeTensors.read(m, out);
            for (String name : new String[] {"output", "pre_logits"}) {
                float diff = named(actual, name).sub(named(expected, name)).abs().max().getFloat();
                System.out.printf("export-onnx mixer_tiny %s: ONNX Runtime vs timm max |diff| %.3g%n", name, diff);
                assertTrue(diff <= 1e-4, name + " differs from timm by " + diff);
            }
        }
        // an unknown model directory is a one-line error with a non-zero exit
        assertEquals(1, MlpZooCli.run("export-onnx", "--model", tmp.resolve("nope").toString(), "--out", tmp.resolve("x").toString()));
    }

    private static NDArray named(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no tensor named " + name);
    }
}
