package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.io.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlpzoo predict} without {@code --engine} chooses the engine and says so: ONNX Runtime on a
 * directory that has model.onnx, PyTorch on one that has not; the outputs are those of the engine
 * named explicitly, and both match timm's reference outputs.
 */
class EngineChoiceCliTest {

    @TempDir Path tmp;

    @Test
    void predictChoosesOnnxRuntimeWhereModelOnnxIsAndSaysSo() throws Exception {
        Path imported = tmp.resolve("imported");
        Path exported = tmp.resolve("exported");
        Path io = ExportOnnxCliTest.reference().resolve("mixer_tiny.io.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        ExportOnnxCliTest.reference().resolve("mixer_tiny").toString(),
                        "--out",
                        imported.toString()));
        assertEquals(
                0,
                MlpZooCli.run(
                        "export-onnx",
                        "--model",
                        imported.toString(),
                        "--out",
                        exported.toString()));

        String said = predict(exported, "auto.safetensors");
        assertTrue(
                said.contains("engine: OnnxRuntime (model.onnx found, faster than PyTorch"), said);
        assertEquals("", predict(exported, "ort.safetensors", "--engine", "OnnxRuntime"));
        assertSameOutputs("auto.safetensors", "ort.safetensors");

        said = predict(imported, "auto-pt.safetensors");
        assertTrue(said.contains("engine: PyTorch (no model.onnx in " + imported), said);
        assertEquals("", predict(imported, "pt.safetensors", "--engine", "PyTorch"));
        assertSameOutputs("auto-pt.safetensors", "pt.safetensors");

        try (NDManager m = NDManager.newBaseManager()) {
            NDArray want = ExportOnnxCliTest.named(SafeTensors.read(m, io), "output");
            for (String f : new String[] {"auto.safetensors", "auto-pt.safetensors"}) {
                NDArray got =
                        ExportOnnxCliTest.named(SafeTensors.read(m, tmp.resolve(f)), "output");
                float diff = got.sub(want).abs().max().getFloat();
                assertTrue(diff <= 1e-5, f + " differs from timm by " + diff);
            }
        }
    }

    /** Runs predict on the fixture's input and returns what it wrote to stderr. */
    private String predict(Path model, String out, String... engine) throws Exception {
        Path io = ExportOnnxCliTest.reference().resolve("mixer_tiny.io.safetensors");
        String[] args = {
            "predict",
            "--model",
            model.toString(),
            "--input",
            io.toString(),
            "--output",
            tmp.resolve(out).toString()
        };
        String[] all = new String[args.length + engine.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(engine, 0, all, args.length, engine.length);
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, MlpZooCli.run(all));
        } finally {
            System.setErr(realErr);
        }
        // DJL's engine warnings (no CUDA) go to the same stream; keep our lines only
        StringBuilder ours = new StringBuilder();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("engine: ")) {
                ours.append(line).append('\n');
            }
        }
        return ours.toString();
    }

    private void assertSameOutputs(String a, String b) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList x = SafeTensors.read(m, tmp.resolve(a));
            NDList y = SafeTensors.read(m, tmp.resolve(b));
            assertEquals(y.size(), x.size());
            for (NDArray want : y) {
                NDArray got = ExportOnnxCliTest.named(x, want.getName());
                assertEquals(want.getShape(), got.getShape(), want.getName());
                assertTrue(
                        got.contentEquals(want), a + " " + want.getName() + " differs from " + b);
            }
        }
    }
}
