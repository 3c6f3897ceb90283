package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * import, export-onnx, then predict --engine OnnxRuntime reproduces the reference implementations'
 * outputs (timm, efficient-kan, fast-kan, rational_kat, SAELens, sparsify) within 1e-4.
 */
class ExportOnnxCliTest {

    @TempDir Path tmp;

    static Path reference() {
        return Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference")
                .toAbsolutePath()
                .normalize();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "mixer_tiny, timm, output pre_logits,",
        "resmlp_tiny, timm, output pre_logits,",
        "gmlp_tiny, timm, output pre_logits,",
        "vision2/gmixer_tiny, timm, output pre_logits,",
        "vision2/poolformer_tiny, timm, output pre_logits,",
        "kan_bspline_tiny, efficient-kan, output,",
        "kan_rbf_tiny, fast-kan, output,",
        "kan_rational_tiny, kat-rational, output,",
        "vision2/ms_mlp_tiny, ms-mlp, output pre_logits,",
        "vision2/raft_mlp_tiny, raft-mlp, output pre_logits,",
        "vision2/raft_mlp_cross_tiny, raft-mlp, output pre_logits,",
        "vision2/strip_mlp_tiny, strip-mlp, output pre_logits,",
        "vision-extra/strip_mlp_grid14, strip-mlp, output pre_logits,",
        "sae/saelens_standard, saelens, feature_acts output,",
        "sae/saelens_topk, saelens, feature_acts output,",
        "sae/saelens_jumprelu, saelens, feature_acts output,",
        "sae/saelens_skip_transcoder, saelens, feature_acts output,",
        "sae/sparsify_topk, sparsify, feature_acts output,",
        "sae2/matryoshka_jumprelu, saelens, feature_acts output,",
        "sae2/mlsae, mlsae, feature_acts output, 1 2 4 16",
        "sae2/saelens_hookz_standard, saelens, feature_acts output, 1 3 2 8",
        "timeseries/tsmixer_google_tiny, tsmixer-google, output,",
        "timeseries/patchtsmixer_tiny, hf, output,"
    })
    void exportedImportRunsOnOnnxRuntimeLikeTheReference(
            String fixture, String format, String outputs, String inputShape) throws Exception {
        Path imported = tmp.resolve("imported");
        Path exported = tmp.resolve("exported");
        Path io = reference().resolve(fixture + ".io.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        format,
                        reference().resolve(fixture).toString(),
                        "--out",
                        imported.toString()));
        assertEquals(
                0,
                inputShape == null
                        ? MlpZooCli.run(
                                "export-onnx",
                                "--model",
                                imported.toString(),
                                "--out",
                                exported.toString())
                        : MlpZooCli.run(
                                "export-onnx",
                                "--model",
                                imported.toString(),
                                "--input-shape",
                                inputShape.replace(' ', ','),
                                "--out",
                                exported.toString()));
        assertTrue(Files.isRegularFile(exported.resolve("model.onnx")));
        assertTrue(
                Files.isRegularFile(exported.resolve("model-0000.params")),
                "the DJL files are copied too");
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
            NDList expected = SafeTensors.read(m, io);
            NDList actual = SafeTensors.read(m, out);
            for (String name : outputs.split(" ")) {
                NDArray want = named(expected, name);
                NDArray got = named(actual, name);
                assertEquals(want.getShape(), got.getShape(), name);
                float diff = got.sub(want).abs().max().getFloat();
                System.out.printf(
                        "export-onnx %s %s: ONNX Runtime vs reference max |diff| %.3g%n",
                        fixture, name, diff);
                assertTrue(
                        diff <= 1e-4,
                        fixture + " " + name + " differs from the reference by " + diff);
            }
        }
    }

    /** On ONNX Runtime too, NaN inputs are refused and outputs that overflow are not written. */
    @Test
    void nonFiniteInputsAndOutputsAreRefusedOnOnnxRuntime() throws Exception {
        Path imported = tmp.resolve("imported");
        Path exported = tmp.resolve("exported");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        reference().resolve("mixer_tiny").toString(),
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
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray input =
                    named(
                            SafeTensors.read(m, reference().resolve("mixer_tiny.io.safetensors")),
                            "input");
            NDArray nan = input.duplicate();
            nan.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), Float.NaN);
            nan.setName("input");
            Path nanFile = tmp.resolve("nan.safetensors");
            SafeTensors.write(new NDList(nan), nanFile);
            CliAssertions.assertCliError(
                    "NaN",
                    "predict",
                    "--engine",
                    "OnnxRuntime",
                    "--model",
                    exported.toString(),
                    "--input",
                    nanFile.toString(),
                    "--output",
                    tmp.resolve("o-nan").toString());
            NDArray huge = input.mul(0).add(3e38f);
            huge.setName("input");
            Path hugeFile = tmp.resolve("huge.safetensors");
            SafeTensors.write(new NDList(huge), hugeFile);
            CliAssertions.assertCliError(
                    "is not finite",
                    "predict",
                    "--engine",
                    "OnnxRuntime",
                    "--model",
                    exported.toString(),
                    "--input",
                    hugeFile.toString(),
                    "--output",
                    tmp.resolve("o-huge").toString());
            assertTrue(!Files.exists(tmp.resolve("o-huge")), "no NaN output written");
        }
    }

    @Test
    void missingModelIsAOneLineError() {
        assertEquals(
                1,
                MlpZooCli.run(
                        "export-onnx",
                        "--model",
                        tmp.resolve("nope").toString(),
                        "--out",
                        tmp.resolve("x").toString()));
    }

    static NDArray named(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no tensor named " + name);
    }
}
