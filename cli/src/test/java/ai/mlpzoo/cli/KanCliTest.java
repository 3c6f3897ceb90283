package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mlpzoo import} then {@code mlpzoo predict} on the KAN fixtures reproduce the references.
 */
class KanCliTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference")
                .toAbsolutePath()
                .normalize();
    }

    @ParameterizedTest
    @CsvSource({
        "kan_bspline_tiny, efficient-kan",
        "kan_rbf_tiny, fast-kan",
        "kan_rational_tiny, kat-rational"
    })
    void importThenPredictWritesTheReferenceOutput(String fixture, String format) throws Exception {
        Path ref = reference();
        Path model = tmp.resolve("model");
        Path out = tmp.resolve("out.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        format,
                        ref.resolve(fixture).toString(),
                        "--out",
                        model.toString()));
        Path io = ref.resolve(fixture + ".io.safetensors");
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
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList written = NDList.decode(manager, Files.readAllBytes(out));
            NDList expected = NDList.decode(manager, Files.readAllBytes(io));
            NDArray got = find(written, "output");
            NDArray want = find(expected, "output");
            assertEquals(want.getShape(), got.getShape());
            float diff = got.sub(want).abs().max().getFloat();
            System.out.printf("CLI %s parity: output %.3g%n", fixture, diff);
            assertTrue(diff < 1e-4, fixture + " CLI output differs by " + diff);
        }
    }

    @Test
    void checkpointThatDoesNotFitIsACleanError() throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        Files.createDirectories(ckpt);
        Path src = reference().resolve("kan_bspline_tiny");
        Files.copy(src.resolve("model.safetensors"), ckpt.resolve("model.safetensors"));
        String json =
                Files.readString(src.resolve("config.json"))
                        .replace("\"grid_size\": 5", "\"grid_size\": 6");
        Files.writeString(ckpt.resolve("config.json"), json);
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code =
                    MlpZooCli.run(
                            "import",
                            "--format",
                            "efficient-kan",
                            ckpt.toString(),
                            "--out",
                            tmp.resolve("m").toString());
        } finally {
            System.setErr(oldErr);
        }
        String msg = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, msg);
        assertTrue(msg.contains("layers.0.grid") && msg.contains("has shape"), msg);
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
