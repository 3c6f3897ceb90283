package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mlpzoo import --format timm} then {@code mlpzoo predict} on the timm fixtures of the
 * second vision set (gMixer, PoolFormer) reproduce timm's {@code output} and {@code pre_logits}; an
 * image the model cannot take is refused in one line naming the shape.
 */
class TimmVision2CliTest {

    @TempDir Path tmp;

    static Path fixture(String name) {
        Path dir =
                Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "vision2");
        assertTrue(Files.isDirectory(dir), "fixtures at " + dir);
        return dir.resolve(name);
    }

    private Path importFixture(String name) {
        Path model = tmp.resolve("model-" + name);
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        fixture(name).toString(),
                        "--out",
                        model.toString()));
        return model;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gmixer_tiny", "poolformer_tiny"})
    void importAndPredictReproduceTimm(String name) throws Exception {
        Path model = importFixture(name);
        Path io = fixture(name + ".io.safetensors");
        Path out = tmp.resolve(name + ".out.safetensors");
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
        try (NDManager m = NDManager.newBaseManager()) {
            NDList expected = SafeTensors.read(m, io);
            NDList actual = SafeTensors.read(m, out);
            for (String key : new String[] {"output", "pre_logits"}) {
                float diff = named(actual, key).sub(named(expected, key)).abs().max().getFloat();
                System.out.printf("CLI %s %s max abs diff %.3g%n", name, key, diff);
                assertTrue(diff < 1e-4f, key + " differs by " + diff);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "gmixer_tiny, 2, 3, 24, 24, 'must have shape (batch, 3, 32, 32), got (2, 3, 24, 24)'",
        "poolformer_tiny, 2, 3, 2, 64, 'must be at least 3x3 pixels'",
        "poolformer_tiny, 1, 4, 64, 64, 'must have shape (batch, 3, *, *), got (1, 4, 64, 64)'"
    })
    void imageOfTheWrongSizeIsOneLine(String name, int b, int c, int h, int w, String expected)
            throws Exception {
        Path model = importFixture(name);
        Path in = tmp.resolve("wrong-" + name + ".safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(b, c, h, w));
            x.setName("input");
            SafeTensors.write(new NDList(x), in);
        }
        assertCliError(
                expected,
                "predict",
                "--model",
                model.toString(),
                "--input",
                in.toString(),
                "--output",
                tmp.resolve("o-" + name).toString());
    }

    private static NDArray named(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no " + name);
    }
}
