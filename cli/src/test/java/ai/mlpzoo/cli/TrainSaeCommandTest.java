package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.sae.LoadedSae;
import ai.mlpzoo.loading.sae.SaeLensFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainSaeCommandTest {

    @TempDir Path tmp;

    @Test
    void trainsAndWritesSaeLensFolderThatImports() throws Exception {
        Path acts = tmp.resolve("acts.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            // 16 sparse directions in R^8
            NDArray dirs = m.randomNormal(new Shape(16, 8));
            NDArray codes =
                    m.randomUniform(0f, 1f, new Shape(512, 16))
                            .mul(m.randomUniform(0f, 1f, new Shape(512, 16)).lt(0.15f));
            NDArray x = codes.matMul(dirs);
            x.setName("x");
            SafeTensors.write(new NDList(x), acts);
        }
        Path out = tmp.resolve("sae");
        int code =
                MlpZooCli.run(
                        "train-sae",
                        "--activations",
                        acts.toString(),
                        "--architecture",
                        "topk",
                        "--d-sae",
                        "32",
                        "--k",
                        "4",
                        "--steps",
                        "60",
                        "--batch",
                        "128",
                        "--lr",
                        "3e-3",
                        "--out",
                        out.toString());
        assertEquals(0, code);
        assertTrue(Files.isRegularFile(out.resolve("cfg.json")));
        assertTrue(
                Files.readString(out.resolve("cfg.json")).contains("\"architecture\" : \"topk\""));
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = SaeLensFormat.read(m, out);
            NDList y =
                    sae.block()
                            .forward(
                                    new ParameterStore(m, false),
                                    new NDList(m.ones(new Shape(2, 8))),
                                    false);
            assertEquals(new Shape(2, 32), y.get(0).getShape());
        }
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "saelens",
                        out.toString(),
                        "--out",
                        tmp.resolve("model").toString()));
    }

    /**
     * A mistyped --format or --architecture is refused before any work: the activations file does
     * not even exist, so an error about the name (not about the file) proves nothing was read or
     * trained, and no output folder is left behind.
     */
    @Test
    void unknownFormatAndArchitectureAreRefusedBeforeTraining() {
        Path missing = tmp.resolve("no-such-activations.safetensors");
        Path out = tmp.resolve("out");
        assertCliError(
                "unknown SAE format 'saelense'; known: saelens, sparsify",
                "train-sae",
                "--activations",
                missing.toString(),
                "--d-sae",
                "32",
                "--k",
                "4",
                "--format",
                "saelense",
                "--out",
                out.toString());
        assertCliError(
                "format 'timm' does not hold sparse coders; SAE formats: saelens, sparsify",
                "train-sae",
                "--activations",
                missing.toString(),
                "--d-sae",
                "32",
                "--k",
                "4",
                "--format",
                "timm",
                "--out",
                out.toString());
        assertCliError(
                "unknown SAE architecture 'topkk'; known: standard, topk, batchtopk",
                "train-sae",
                "--activations",
                missing.toString(),
                "--d-sae",
                "32",
                "--k",
                "4",
                "--architecture",
                "topkk",
                "--out",
                out.toString());
        // a batch of 0 used to train on empty batches and be reported as divergence
        assertCliError(
                "--batch must be positive, got 0",
                "train-sae",
                "--activations",
                missing.toString(),
                "--d-sae",
                "32",
                "--k",
                "4",
                "--batch",
                "0",
                "--out",
                out.toString());
        assertFalse(Files.exists(out));
    }
}
