package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mlpzoo import} then {@code mlpzoo predict} on the vision2 fixtures reproduce the
 * references' {@code output} and {@code pre_logits}.
 */
class Vision2CliTest {

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
    @CsvSource({"scaling_mlp_tiny, scaling-mlp", "kat_tiny, timm"})
    void importThenPredictWritesTheReferenceOutputs(String fixture, String format)
            throws Exception {
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
            for (String name : new String[] {"output", "pre_logits"}) {
                NDArray got = find(written, name);
                NDArray want = find(expected, name);
                assertEquals(want.getShape(), got.getShape(), name);
                float diff = got.sub(want).abs().max().getFloat();
                System.out.printf("CLI %s parity: %s %.3g%n", fixture, name, diff);
                assertTrue(diff < 1e-4, fixture + " CLI " + name + " differs by " + diff);
            }
        }
    }

    /** import, export-onnx, then predict on ONNX Runtime: the exported graph's outputs. */
    @ParameterizedTest
    @CsvSource({"scaling_mlp_tiny, scaling-mlp", "kat_tiny, timm"})
    void exportedImportRunsOnOnnxRuntimeLikeTheReference(String fixture, String format)
            throws Exception {
        Path ref = reference();
        Path imported = tmp.resolve("imported");
        Path exported = tmp.resolve("exported");
        Path out = tmp.resolve("ort.safetensors");
        Path io = ref.resolve(fixture + ".io.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        format,
                        ref.resolve(fixture).toString(),
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
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList written = NDList.decode(manager, Files.readAllBytes(out));
            NDList expected = NDList.decode(manager, Files.readAllBytes(io));
            for (String name : new String[] {"output", "pre_logits"}) {
                NDArray got = find(written, name);
                NDArray want = find(expected, name);
                assertEquals(want.getShape(), got.getShape(), name);
                float diff = got.sub(want).abs().max().getFloat();
                System.out.printf("ONNX Runtime %s parity: %s %.3g%n", fixture, name, diff);
                assertTrue(diff < 1e-4, fixture + " ONNX Runtime " + name + " differs by " + diff);
            }
        }
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
