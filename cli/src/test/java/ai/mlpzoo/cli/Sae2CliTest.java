package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.sae.JumpReLUSae;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.sae.LoadedSae;
import ai.mlpzoo.loading.sae.SaeLensFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line with the issue-16 SAE variants: {@code train-sae --architecture
 * matryoshka_batchtopk --group-sizes}, {@code import --format mlsae} and {@code train-sae --format
 * mlsae}.
 */
class Sae2CliTest {

    @TempDir Path tmp;

    private Path activations() throws Exception {
        Path acts = tmp.resolve("acts.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            NDArray dirs = m.randomNormal(new Shape(24, 16)); // 24 sparse directions in R^16
            NDArray codes =
                    m.randomUniform(0f, 1f, new Shape(512, 24))
                            .mul(m.randomUniform(0f, 1f, new Shape(512, 24)).lt(0.15f));
            NDArray x = codes.matMul(dirs);
            x.setName("x");
            SafeTensors.write(new NDList(x), acts);
        }
        return acts;
    }

    @Test
    void trainsAMatryoshkaSaeSavedAsJumpRelu() throws Exception {
        Path out = tmp.resolve("matryoshka");
        int code =
                MlpZooCli.run(
                        "train-sae",
                        "--activations",
                        activations().toString(),
                        "--architecture",
                        "matryoshka_batchtopk",
                        "--group-sizes",
                        "8,24,32",
                        "--d-sae",
                        "64",
                        "--k",
                        "4",
                        "--steps",
                        "40",
                        "--batch",
                        "128",
                        "--lr",
                        "3e-3",
                        "--out",
                        out.toString());
        assertEquals(0, code);
        String cfg = Files.readString(out.resolve("cfg.json"));
        assertTrue(cfg.contains("\"architecture\" : \"jumprelu\""), cfg);
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = SaeLensFormat.read(m, out);
            // one learned global threshold, the same for every latent, above zero
            float[] thr = ((JumpReLUSae) sae.block()).getThreshold().getArray().toFloatArray();
            for (float v : thr) {
                assertEquals(thr[0], v, 0f);
            }
            assertTrue(thr[0] > 0, "threshold " + thr[0]);
        }
    }

    @Test
    void groupSizesThatDoNotSumToTheWidthAreNamed() throws Exception {
        assertCliError(
                "'group_sizes' [8, 24, 30] sums to 62 but d_sae is 64",
                "train-sae",
                "--activations",
                activations().toString(),
                "--architecture",
                "matryoshka_batchtopk",
                "--group-sizes",
                "8,24,30",
                "--d-sae",
                "64",
                "--k",
                "4",
                "--out",
                tmp.resolve("bad").toString());
    }

    @Test
    void importsAnMlsaeCheckpointAndTrainsOneInItsLayout() throws Exception {
        Path src =
                Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference")
                        .resolve("sae2/mlsae");
        Path model = tmp.resolve("mlsae_model");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import", "--format", "mlsae", src.toString(), "--out", model.toString()));
        assertTrue(Files.isRegularFile(model.resolve("architecture.json")));
        assertTrue(Files.readString(model.resolve("architecture.json")).contains("\"mlsae\""));

        Path out = tmp.resolve("mlsae_trained");
        int code =
                MlpZooCli.run(
                        "train-sae",
                        "--activations",
                        activations().toString(),
                        "--architecture",
                        "mlsae",
                        "--format",
                        "mlsae",
                        "--d-sae",
                        "64",
                        "--k",
                        "4",
                        "--steps",
                        "30",
                        "--batch",
                        "128",
                        "--out",
                        out.toString());
        assertEquals(0, code);
        try (NDManager m = NDManager.newBaseManager()) {
            NDList w = SafeTensors.read(m, out.resolve("model.safetensors"));
            assertArrayEquals(
                    new long[] {64, 16}, findShape(w, "encoder.weight"), "encoder.weight");
            assertArrayEquals(
                    new long[] {16, 64}, findShape(w, "decoder.weight"), "decoder.weight");
        }
        assertCliError(
                "cannot be written in the SAELens layout",
                "train-sae",
                "--activations",
                activations().toString(),
                "--architecture",
                "mlsae",
                "--d-sae",
                "64",
                "--k",
                "4",
                "--steps",
                "2",
                "--batch",
                "16",
                "--out",
                tmp.resolve("mlsae_saelens").toString());
    }

    @Test
    void aBadInputShapeIsNamed() {
        assertCliError(
                "--input-shape must list positive sizes, got [1, 0, 16]",
                "export-onnx",
                "--model",
                tmp.resolve("nope").toString(),
                "--input-shape",
                "1,0,16",
                "--out",
                tmp.resolve("out").toString());
    }

    private static long[] findShape(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a.getShape().getShape();
            }
        }
        throw new AssertionError("no tensor " + name);
    }
}
