package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.io.SafeTensors;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mlpzoo import --format timemixer} then {@code mlpzoo predict} reproduce the TimeMixer
 * fixtures, the time marks read from {@code input_mark} where the model takes them.
 */
class TimeMixerCliTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference")
                .toAbsolutePath()
                .normalize()
                .resolve("timeseries");
    }

    private Path importFixture(String fixture) {
        Path model = tmp.resolve(fixture);
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timemixer",
                        reference().resolve(fixture).toString(),
                        "--out",
                        model.toString()));
        return model;
    }

    @ParameterizedTest
    @ValueSource(strings = {"timemixer_tiny", "timemixer_mixed_marks", "timemixer_ci_marks_dft"})
    void importThenPredictWritesTheReferenceForecast(String fixture) throws Exception {
        Path model = importFixture(fixture);
        Path io = reference().resolve(fixture + ".io.safetensors");
        Path out = tmp.resolve("out.safetensors");
        // --chunk 1: the marks must be cut into the same chunks as the values. Not for
        // timemixer_ci_marks_dft: its DFT decomposition and mark repeat order make each forecast
        // depend on the rest of the batch (as in the reference), so it must run as one batch.
        String chunk = fixture.contains("dft") ? "256" : "1";
        assertEquals(
                0,
                MlpZooCli.run(
                        "predict",
                        "--model",
                        model.toString(),
                        "--input",
                        io.toString(),
                        "--output",
                        out.toString(),
                        "--chunk",
                        chunk));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray got = find(SafeTensors.read(m, out), "output");
            NDArray want = find(SafeTensors.read(m, io), "output");
            assertEquals(want.getShape(), got.getShape());
            float diff = got.sub(want).abs().max().getFloat();
            System.out.printf("CLI %s parity: output %.3g%n", fixture, diff);
            assertTrue(diff < 1e-4, fixture + " CLI output differs by " + diff);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"timemixer_tiny", "timemixer_mixed_marks"})
    void exportedToOnnxThenPredictOnOnnxRuntimeWritesTheReferenceForecast(String fixture)
            throws Exception {
        Path model = importFixture(fixture);
        Path exported = tmp.resolve("exported");
        assertEquals(
                0,
                MlpZooCli.run(
                        "export-onnx", "--model", model.toString(), "--out", exported.toString()));
        Path io = reference().resolve(fixture + ".io.safetensors");
        Path out = tmp.resolve("ort.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "predict",
                        "--engine",
                        "OnnxRuntime",
                        "--model",
                        exported.toString(),
                        "--input",
                        io.toString(),
                        "--output",
                        out.toString()));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray got = find(SafeTensors.read(m, out), "output");
            NDArray want = find(SafeTensors.read(m, io), "output");
            assertEquals(want.getShape(), got.getShape());
            float diff = got.sub(want).abs().max().getFloat();
            System.out.printf("CLI ONNX Runtime %s parity: output %.3g%n", fixture, diff);
            assertTrue(diff < 1e-4, fixture + " ONNX Runtime output differs by " + diff);
        }
    }

    @Test
    void missingOrMisshapedMarksAreNamed() throws Exception {
        Path model = importFixture("timemixer_mixed_marks");
        Path noMarks = tmp.resolve("no_marks.safetensors");
        Path badMarks = tmp.resolve("bad_marks.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            NDList io =
                    SafeTensors.read(
                            m, reference().resolve("timemixer_mixed_marks.io.safetensors"));
            NDArray input = find(io, "input");
            SafeTensors.write(new NDList(input), noMarks);
            NDArray marks = find(io, "input_mark").get(":, :, :3");
            marks.setName("input_mark");
            SafeTensors.write(new NDList(input, marks), badMarks);
        }
        Path out = tmp.resolve("out.safetensors");
        assertCliError(
                "the input file needs a tensor named 'input_mark' of shape (3, 32, 4)",
                "predict",
                "--model",
                model.toString(),
                "--input",
                noMarks.toString(),
                "--output",
                out.toString());
        assertCliError(
                "input_mark (batch, context, time features) must have shape (3, 32, 4), got (3, 32, 3)",
                "predict",
                "--model",
                model.toString(),
                "--input",
                badMarks.toString(),
                "--output",
                out.toString());
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
