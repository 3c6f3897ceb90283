package ai.mlpzoo.loading.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaeCheckpointTest {

    @TempDir Path tmp;

    static LoadedSae read(NDManager m, Path dir) throws IOException {
        return dir.getFileName().toString().startsWith("sparsify")
                ? SparsifyFormat.read(m, dir)
                : SaeLensFormat.read(m, dir);
    }

    static NDList run(NDManager m, LoadedSae sae, NDArray input) {
        return sae.block().forward(new ParameterStore(m, false), new NDList(input), false);
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
    void matchesReference(String fixture) throws IOException {
        Path ref = Fixtures.reference().resolve("sae");
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = read(m, ref.resolve(fixture));
            NDList io = SafeTensors.read(m, ref.resolve(fixture + ".io.safetensors"));
            NDList out = run(m, sae, Fixtures.get(io, "input"));
            assertEquals("feature_acts", out.get(0).getName());
            assertEquals("output", out.get(1).getName());
            float acts = Fixtures.maxAbsDiff(out.get(0), Fixtures.get(io, "feature_acts"));
            float recon = Fixtures.maxAbsDiff(out.get(1), Fixtures.get(io, "output"));
            System.out.printf("%s parity: feature_acts %.3g, output %.3g%n", fixture, acts, recon);
            assertTrue(acts < 1e-4, "feature_acts differ by " + acts);
            assertTrue(recon < 1e-4, "output differs by " + recon);
        }
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
    void saveAndReloadGivesIdenticalTensors(String fixture) throws IOException {
        Path src = Fixtures.reference().resolve("sae").resolve(fixture);
        boolean sparsify = fixture.startsWith("sparsify");
        Path out = tmp.resolve(fixture);
        String weights = sparsify ? SparsifyFormat.WEIGHTS : SaeLensFormat.WEIGHTS;
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = read(m, src);
            if (sparsify) {
                SparsifyFormat.write(out, sae.config(), sae.block());
            } else {
                SaeLensFormat.write(out, sae.config(), sae.block());
            }
            NDList original = SafeTensors.read(m, src.resolve(weights));
            NDList written = SafeTensors.read(m, out.resolve(weights));
            assertEquals(original.size(), written.size());
            for (NDArray a : original) {
                NDArray b = Fixtures.get(written, a.getName());
                assertEquals(a.getShape(), b.getShape(), a.getName());
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f, a.getName());
            }
            LoadedSae again = read(m, out);
            assertEquals(sae.config().toString(), again.config().toString());
            assertEquals(sae.config().metadata, again.config().metadata);
        }
    }

    @Test
    void kLargerThanDictionaryIsNamed() throws IOException {
        Path ckpt = copy("saelens_topk");
        edit(ckpt.resolve("cfg.json"), "\"k\": 6", "\"k\": 100");
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> SaeLensFormat.readConfig(ckpt.resolve("cfg.json")));
        assertTrue(
                e.getMessage().contains("'k' (100) is larger than the dictionary size d_sae (64)"),
                e.getMessage());
    }

    @Test
    void unknownArchitectureIsNamed() throws IOException {
        Path ckpt = copy("saelens_standard");
        edit(
                ckpt.resolve("cfg.json"),
                "\"architecture\": \"standard\"",
                "\"architecture\": \"matryoshka\"");
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> SaeLensFormat.readConfig(ckpt.resolve("cfg.json")));
        assertTrue(
                e.getMessage().contains("unknown SAELens architecture 'matryoshka'"),
                e.getMessage());
        assertTrue(
                e.getMessage().contains("jumprelu"), "lists the supported ones: " + e.getMessage());
    }

    @Test
    void dInDifferentFromCheckpointIsNamed() throws IOException {
        Path ckpt = copy("saelens_standard");
        edit(ckpt.resolve("cfg.json"), "\"d_in\": 16", "\"d_in\": 20");
        try (NDManager m = NDManager.newBaseManager()) {
            CheckpointException e =
                    assertThrows(CheckpointException.class, () -> SaeLensFormat.read(m, ckpt));
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "'W_enc' has shape (16, 64) but the architecture needs (20, 64)"),
                    e.getMessage());
        }
    }

    /** The input contract the entry points (CLI predict, translators, service) check once. */
    @Test
    void inputOfWrongWidthIsNamed() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = read(m, Fixtures.reference().resolve("sae/saelens_standard"));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> sae.block().checkInput(m.ones(new Shape(4, 12))));
            assertTrue(e.getMessage().contains("d_in = 16"), e.getMessage());
        }
    }

    @Test
    void nanActivationsAreRejected() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = read(m, Fixtures.reference().resolve("sae/sparsify_topk"));
            NDArray x = m.ones(new Shape(4, 16));
            x.set(new ai.djl.ndarray.index.NDIndex(2, 3), Float.NaN);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> sae.block().checkInput(x));
            assertTrue(e.getMessage().contains("contains NaN"), e.getMessage());
        }
    }

    @Test
    void unsupportedSparsifyActivationIsNamed() throws IOException {
        Path ckpt = copy("sparsify_topk");
        edit(ckpt.resolve("cfg.json"), "\"activation\": \"topk\"", "\"activation\": \"groupmax\"");
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> SparsifyFormat.readConfig(ckpt.resolve("cfg.json")));
        assertTrue(
                e.getMessage().contains("unknown sparsify activation 'groupmax'"), e.getMessage());
    }

    private Path copy(String fixture) throws IOException {
        Path src = Fixtures.reference().resolve("sae").resolve(fixture);
        Path dst = tmp.resolve(fixture);
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dst.resolve(f.getFileName()));
                dst.resolve(f.getFileName()).toFile().setWritable(true);
            }
        }
        return dst;
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertTrue(s.contains(from), "fixture has " + from);
        Files.writeString(file, s.replace(from, to));
    }
}
