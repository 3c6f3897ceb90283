package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.io.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mlpzoo import --format saelens|sparsify} then {@code mlpzoo predict} against the
 * references.
 */
class SaeCliTest {

    @TempDir Path tmp;

    static Path sae() {
        return Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference", "sae")
                .toAbsolutePath()
                .normalize();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "saelens_standard",
                "saelens_topk",
                "saelens_jumprelu",
                "saelens_skip_transcoder",
                "sparsify_topk"
            })
    void importThenPredictMatchesReference(String fixture) throws Exception {
        String format = fixture.startsWith("sparsify") ? "sparsify" : "saelens";
        Path model = tmp.resolve("model");
        Path out = tmp.resolve("out.safetensors");
        Path io = sae().resolve(fixture + ".io.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        format,
                        sae().resolve(fixture).toString(),
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
            NDList ref = SafeTensors.read(m, io);
            NDList got = SafeTensors.read(m, out);
            for (String name : new String[] {"feature_acts", "output"}) {
                float diff = maxAbsDiff(get(got, name), get(ref, name));
                System.out.printf("CLI %s %s max |diff| %.3g%n", fixture, name, diff);
                assertTrue(diff < 1e-4, name + " differs by " + diff);
            }
        }
    }

    /**
     * The forward passes trust their input; predict checks it once against the model's contract, on
     * PyTorch (the loaded block) and on ONNX Runtime (the architecture the directory describes).
     */
    @Test
    void badActivationsGiveOneLineErrorsOnEitherEngine() throws Exception {
        Path model = tmp.resolve("model");
        Path exported = tmp.resolve("exported");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "saelens",
                        sae().resolve("saelens_standard").toString(),
                        "--out",
                        model.toString()));
        assertEquals(
                0,
                MlpZooCli.run(
                        "export-onnx", "--model", model.toString(), "--out", exported.toString()));
        Path narrow = tmp.resolve("narrow.safetensors");
        Path nan = tmp.resolve("nan.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(4, 12));
            x.setName("input");
            SafeTensors.write(new NDList(x), narrow);
            NDArray y = m.ones(new Shape(4, 16));
            y.set(new NDIndex(2, 3), Float.NaN);
            y.setName("input");
            SafeTensors.write(new NDList(y), nan);
        }
        for (String[] engine :
                new String[][] {
                    {"PyTorch", model.toString()}, {"OnnxRuntime", exported.toString()}
                }) {
            assertCliError(
                    "d_in = 16 on its last axis, got shape (4, 12)",
                    "predict",
                    "--engine",
                    engine[0],
                    "--model",
                    engine[1],
                    "--input",
                    narrow.toString(),
                    "--output",
                    tmp.resolve("o1").toString());
            assertCliError(
                    "input activations contains NaN or infinite values",
                    "predict",
                    "--engine",
                    engine[0],
                    "--model",
                    engine[1],
                    "--input",
                    nan.toString(),
                    "--output",
                    tmp.resolve("o2").toString());
        }
    }

    @Test
    void unknownArchitectureFailsWithMessage() throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        Files.createDirectories(ckpt);
        Path src = sae().resolve("saelens_standard");
        Files.copy(src.resolve("sae_weights.safetensors"), ckpt.resolve("sae_weights.safetensors"));
        Files.writeString(
                ckpt.resolve("cfg.json"),
                Files.readString(src.resolve("cfg.json"))
                        .replace("\"standard\"", "\"crosscoder\""));
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code =
                    MlpZooCli.run(
                            "import",
                            "--format",
                            "saelens",
                            ckpt.toString(),
                            "--out",
                            tmp.resolve("m").toString());
        } finally {
            System.setErr(old);
        }
        String msg = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code);
        assertTrue(msg.contains("unknown SAELens architecture 'crosscoder'"), msg);
    }

    private static NDArray get(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no array named " + name);
    }

    private static float maxAbsDiff(NDArray a, NDArray b) {
        assertEquals(b.getShape(), a.getShape());
        return a.sub(b).abs().max().getFloat();
    }
}
