package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.mlpzoo.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mlpzoo import --format <family>} then {@code mlpzoo predict} on the vision references with
 * their own layouts reproduce the reference's {@code output} and {@code pre_logits}; an image of
 * the wrong size is refused in one line naming the shape the model takes.
 */
class ReferenceVisionCliTest {

    @TempDir static Path tmp;

    static Path vision2;

    @BeforeAll
    static void locate() {
        vision2 =
                Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "vision2");
        assertTrue(Files.isDirectory(vision2), "fixtures at " + vision2);
    }

    @ParameterizedTest
    @CsvSource({
        "ms-mlp, ms_mlp_tiny, MS-MLP",
        "raft-mlp, raft_mlp_tiny, RaftMLP",
        "raft-mlp, raft_mlp_cross_tiny, RaftMLP",
        "strip-mlp, strip_mlp_tiny, Strip-MLP"
    })
    void importAndPredictReproduceTheReference(String format, String fixture, String family)
            throws Exception {
        Path model = tmp.resolve("model-" + fixture);
        Path out = tmp.resolve(fixture + ".out.safetensors");
        Path io = vision2.resolve(fixture + ".io.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        format,
                        vision2.resolve(fixture).toString(),
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
            NDArray small = named(expected, "input").get(new NDIndex(":, :, 0:16, 0:16"));
            small.setName("input");
            Path wrong = tmp.resolve(fixture + ".small.safetensors");
            SafeTensors.write(new NDList(small), wrong);
            assertCliError(
                    family + " input must have shape (batch, 3, 32, 32), got (2, 3, 16, 16)",
                    "predict",
                    "--model",
                    model.toString(),
                    "--input",
                    wrong.toString(),
                    "--output",
                    tmp.resolve(fixture + ".o-wrong").toString());
        }
    }

    private static NDArray named(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }
}
