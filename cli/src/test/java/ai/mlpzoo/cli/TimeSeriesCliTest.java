package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.io.SafeTensors;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mlpzoo import} then {@code mlpzoo predict} on the time-series fixtures reproduce the
 * references' forecasts; a window the model cannot take is a one-line error.
 */
class TimeSeriesCliTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference")
                .toAbsolutePath()
                .normalize();
    }

    private Path importFixture(String fixture, String format) {
        Path model = tmp.resolve("model-" + fixture);
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        format,
                        reference().resolve("timeseries").resolve(fixture).toString(),
                        "--out",
                        model.toString()));
        return model;
    }

    @ParameterizedTest
    @CsvSource({"tsmixer_google_tiny, tsmixer-google", "patchtsmixer_tiny, hf"})
    void importThenPredictWritesTheReferenceForecast(String fixture, String format)
            throws Exception {
        Path model = importFixture(fixture, format);
        Path io = reference().resolve("timeseries").resolve(fixture + ".io.safetensors");
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
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray got = find(SafeTensors.read(manager, out), "output");
            NDArray want = find(SafeTensors.read(manager, io), "output");
            assertEquals(want.getShape(), got.getShape());
            float diff = got.sub(want).abs().max().getFloat();
            System.out.printf("CLI %s parity: output %.3g%n", fixture, diff);
            assertTrue(diff < 1e-4, fixture + " CLI output differs by " + diff);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "tsmixer_google_tiny, tsmixer-google, TSMixer",
        "patchtsmixer_tiny, hf, PatchTSMixer"
    })
    void aWindowOfTheWrongShapeOrWithNanIsAOneLineError(String fixture, String format, String name)
            throws Exception {
        Path model = importFixture(fixture, format);
        Path channels = tmp.resolve("channels.safetensors");
        Path nan = tmp.resolve("nan.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray four = manager.zeros(new Shape(1, 32, 4));
            four.setName("input");
            SafeTensors.write(new NDList(four), channels);
            NDArray bad = manager.zeros(new Shape(1, 32, 3));
            bad.set(new ai.djl.ndarray.index.NDIndex("0, 3, 0"), Float.NaN);
            bad.setName("input");
            SafeTensors.write(new NDList(bad), nan);
        }
        assertCliError(
                name + " input must be (batch, 32 steps, 3 channels), got (1, 32, 4)",
                "predict",
                "--model",
                model.toString(),
                "--input",
                channels.toString(),
                "--output",
                tmp.resolve("o1.safetensors").toString());
        assertCliError(
                name + " input contains NaN or infinite values",
                "predict",
                "--model",
                model.toString(),
                "--input",
                nan.toString(),
                "--output",
                tmp.resolve("o2.safetensors").toString());
    }

    @Test
    void anUnknownFormatListsTheTimeSeriesOnes() {
        assertCliError(
                "tsmixer-google",
                "import",
                "--format",
                "tsmixer",
                reference().resolve("timeseries/tsmixer_google_tiny").toString(),
                "--out",
                tmp.resolve("x").toString());
    }

    private static NDArray find(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }
}
