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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RepMLPNet through the command line: {@code mlpzoo import --format repmlp}, {@code mlpzoo predict}
 * (the reference's {@code output} and {@code pre_logits}), {@code mlpzoo reparam}, {@code predict}
 * of the deploy model (the reference's {@code output_deploy}), and {@code export-onnx} of the
 * deploy model run on ONNX Runtime.
 */
class RepMlpCliTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "vision2")
                .toAbsolutePath()
                .normalize();
    }

    private static NDArray find(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no array named " + name);
    }

    private void predict(Path model, Path io, Path out, String engine) {
        assertEquals(
                0,
                MlpZooCli.run(
                        "predict",
                        "--engine",
                        engine,
                        "--model",
                        model.toString(),
                        "--input",
                        io.toString(),
                        "--output",
                        out.toString()));
    }

    private static void check(
            NDManager manager, Path written, Path io, String got, String want, String what)
            throws Exception {
        NDList w = NDList.decode(manager, Files.readAllBytes(written));
        NDList e = NDList.decode(manager, Files.readAllBytes(io));
        NDArray a = find(w, got);
        NDArray b = find(e, want);
        assertEquals(b.getShape(), a.getShape(), want);
        float diff = a.sub(b).abs().max().getFloat();
        System.out.printf("CLI %s parity: %s %.3g%n", what, want, diff);
        assertTrue(diff < 1e-4, what + " " + want + " differs by " + diff);
    }

    @ParameterizedTest
    @ValueSource(strings = {"repmlp_tiny", "repmlp_part_tiny"})
    void importPredictReparamPredictExport(String fixture) throws Exception {
        Path ref = reference();
        Path io = ref.resolve(fixture + ".io.safetensors");
        Path model = tmp.resolve("model");
        Path deploy = tmp.resolve("deploy");
        Path onnx = tmp.resolve("onnx");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "repmlp",
                        ref.resolve(fixture).toString(),
                        "--out",
                        model.toString()));
        assertEquals(0, MlpZooCli.run("reparam", model.toString(), "--out", deploy.toString()));
        assertEquals(
                0,
                MlpZooCli.run(
                        "export-onnx", "--model", deploy.toString(), "--out", onnx.toString()));
        try (NDManager manager = NDManager.newBaseManager()) {
            Path out = tmp.resolve("train.safetensors");
            predict(model, io, out, "PyTorch");
            check(manager, out, io, "output", "output", fixture);
            check(manager, out, io, "pre_logits", "pre_logits", fixture);
            Path dep = tmp.resolve("deploy.safetensors");
            predict(deploy, io, dep, "PyTorch");
            check(manager, dep, io, "output", "output_deploy", fixture + " reparam");
            check(manager, dep, io, "pre_logits", "pre_logits", fixture + " reparam");
            Path ort = tmp.resolve("ort.safetensors");
            predict(onnx, io, ort, "OnnxRuntime");
            check(manager, ort, io, "output", "output_deploy", fixture + " reparam ONNX Runtime");
        }
    }

    @Test
    void reparamRefusesOtherModelsAndDeployedOnes() throws Exception {
        Path model = tmp.resolve("model");
        Path deploy = tmp.resolve("deploy");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "repmlp",
                        reference().resolve("repmlp_part_tiny").toString(),
                        "--out",
                        model.toString()));
        assertEquals(0, MlpZooCli.run("reparam", model.toString(), "--out", deploy.toString()));
        StringWriter err = new StringWriter();
        assertEquals(
                1,
                MlpZooCli.run(
                        new PrintWriter(err),
                        "reparam",
                        deploy.toString(),
                        "--out",
                        tmp.resolve("again").toString()));
        assertTrue(err.toString().contains("already re-parameterised"), err.toString());
        Path scaling = tmp.resolve("scaling");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "scaling-mlp",
                        reference().resolve("scaling_mlp_tiny").toString(),
                        "--out",
                        scaling.toString()));
        err = new StringWriter();
        assertEquals(
                1,
                MlpZooCli.run(
                        new PrintWriter(err),
                        "reparam",
                        scaling.toString(),
                        "--out",
                        tmp.resolve("other").toString()));
        assertTrue(err.toString().contains("RepMLPNet ('repmlp') models only"), err.toString());
        err = new StringWriter();
        assertEquals(
                1,
                MlpZooCli.run(
                        new PrintWriter(err),
                        "reparam",
                        tmp.resolve("nowhere").toString(),
                        "--out",
                        tmp.resolve("x").toString()));
        assertTrue(err.toString().contains("nowhere"), err.toString());
    }
}
