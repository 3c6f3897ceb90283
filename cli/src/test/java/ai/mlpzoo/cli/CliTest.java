package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.mlpzoo.io.SafeTensors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The mlpzoo command end to end: import, predict, and one-line errors with a non-zero exit. */
class CliTest {

    @TempDir static Path tmp;

    static Path reference;

    @BeforeAll
    static void locate() {
        reference = Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference");
        assertTrue(Files.isDirectory(reference), "fixtures at " + reference);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mixer_tiny", "resmlp_tiny", "gmlp_tiny"})
    void importAndPredictReproduceTimm(String fixture) throws Exception {
        Path model = tmp.resolve("model-" + fixture);
        Path out = tmp.resolve(fixture + ".out.safetensors");
        Path io = reference.resolve(fixture + ".io.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        reference.resolve(fixture).toString(),
                        "--out",
                        model.toString()));
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
            for (String name : new String[] {"output", "pre_logits"}) {
                float diff = named(actual, name).sub(named(expected, name)).abs().max().getFloat();
                System.out.printf("CLI %s %s max abs diff %.3g%n", fixture, name, diff);
                assertTrue(diff < 1e-4f, name + " differs by " + diff);
            }
        }
    }

    /**
     * predict runs a large batch in chunks (memory stays flat) and the concatenated outputs equal
     * one unchunked run, including a last chunk that is not full (600 = 256 + 256 + 88).
     */
    @Test
    void chunkedPredictEqualsUnchunked() throws Exception {
        Path model = tmp.resolve("model-chunks");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        reference.resolve("mixer_tiny").toString(),
                        "--out",
                        model.toString()));
        Path in = tmp.resolve("batch600.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(600, 3, 32, 32));
            x.setName("input");
            SafeTensors.write(new NDList(x), in);
        }
        Path chunked = tmp.resolve("chunked.safetensors");
        Path whole = tmp.resolve("whole.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "predict",
                        "--model",
                        model.toString(),
                        "--input",
                        in.toString(),
                        "--output",
                        chunked.toString()));
        assertEquals(
                0,
                MlpZooCli.run(
                        "predict",
                        "--chunk",
                        "1000",
                        "--model",
                        model.toString(),
                        "--input",
                        in.toString(),
                        "--output",
                        whole.toString()));
        try (NDManager m = NDManager.newBaseManager()) {
            NDList a = SafeTensors.read(m, chunked);
            NDList b = SafeTensors.read(m, whole);
            for (String name : new String[] {"output", "pre_logits"}) {
                assertEquals(named(b, name).getShape(), named(a, name).getShape(), name);
                assertEquals(600, named(a, name).getShape().get(0), name);
                float diff = named(a, name).sub(named(b, name)).abs().max().getFloat();
                assertTrue(diff <= 1e-5f, name + " chunked differs by " + diff);
            }
        }
        assertCliError(
                "--chunk must be positive",
                "predict",
                "--chunk",
                "0",
                "--model",
                model.toString(),
                "--input",
                in.toString(),
                "--output",
                tmp.resolve("o-chunk0").toString());
    }

    /** A folder that is not a model directory is named so, not "<dir>.pt file not found". */
    @Test
    void aFolderThatIsNotAModelDirectoryIsNamedSo() throws Exception {
        Path notModel = Files.createDirectories(tmp.resolve("just-a-folder"));
        Files.writeString(notModel.resolve("notes.txt"), "hello");
        assertCliError(
                "is not an mlp-zoo model directory: it has no architecture.json",
                "predict",
                "--model",
                notModel.toString(),
                "--input",
                reference.resolve("mixer_tiny.io.safetensors").toString(),
                "--output",
                tmp.resolve("o-not-model").toString());
        assertCliError(
                "is not an mlp-zoo model directory",
                "eval",
                notModel.toString(),
                "--dataset",
                "fashion-mnist",
                "--embedded");
    }

    @Test
    void badInputsGiveOneLineErrorsAndExitCode1() throws Exception {
        Path model = tmp.resolve("model-bad");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        reference.resolve("mixer_tiny").toString(),
                        "--out",
                        model.toString()));
        Path io = reference.resolve("mixer_tiny.io.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray input = named(SafeTensors.read(m, io), "input");

            NDArray wrong = input.get(new NDIndex(":, 0:1")); // one channel instead of three
            wrong.setName("input");
            Path wrongFile = tmp.resolve("wrong.safetensors");
            SafeTensors.write(new NDList(wrong), wrongFile);
            assertCliError(
                    "must have shape (batch, 3, 32, 32), got (2, 1, 32, 32)",
                    "predict",
                    "--model",
                    model.toString(),
                    "--input",
                    wrongFile.toString(),
                    "--output",
                    tmp.resolve("o1").toString());

            NDArray nan = input.duplicate();
            nan.set(new NDIndex("0, 0, 0, 0"), Float.NaN);
            nan.setName("input");
            Path nanFile = tmp.resolve("nan.safetensors");
            SafeTensors.write(new NDList(nan), nanFile);
            assertCliError(
                    "NaN",
                    "predict",
                    "--model",
                    model.toString(),
                    "--input",
                    nanFile.toString(),
                    "--output",
                    tmp.resolve("o2").toString());

            // Finite but huge: the forward overflows to NaN, which must not be written.
            NDArray huge = input.duplicate().mul(0).add(3e38f);
            huge.setName("input");
            Path hugeFile = tmp.resolve("huge.safetensors");
            SafeTensors.write(new NDList(huge), hugeFile);
            assertCliError(
                    "is not finite",
                    "predict",
                    "--model",
                    model.toString(),
                    "--input",
                    hugeFile.toString(),
                    "--output",
                    tmp.resolve("o-huge").toString());
            assertFalse(Files.exists(tmp.resolve("o-huge")), "no NaN output written");
        }
        byte[] bytes = Files.readAllBytes(io);
        Path truncated = tmp.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));
        assertCliError(
                "truncated",
                "predict",
                "--model",
                model.toString(),
                "--input",
                truncated.toString(),
                "--output",
                tmp.resolve("o3").toString());
        assertCliError(
                "unknown checkpoint format 'keras'",
                "import",
                "--format",
                "keras",
                "x",
                "--out",
                "y");
        assertCliError(
                "model directory not found",
                "predict",
                "--model",
                tmp.resolve("nope").toString(),
                "--input",
                io.toString(),
                "--output",
                "z");
        assertFalseExit0("import", "--format", "timm");
    }

    private static void assertFalseExit0(String... args) {
        StringWriter sw = new StringWriter();
        assertEquals(2, MlpZooCli.run(new PrintWriter(sw, true), args), "usage errors exit with 2");
        assertTrue(sw.toString().contains("Missing required"), sw.toString());
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
