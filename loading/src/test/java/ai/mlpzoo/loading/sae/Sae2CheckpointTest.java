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
import ai.mlpzoo.blocks.sae.MatryoshkaBatchTopKSae;
import ai.mlpzoo.blocks.sae.MultiLayerSae;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.TunedLens;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import ai.mlpzoo.loading.Importers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second set of SAE references (fixtures/reference/sae2, whose README states each forward):
 * Matryoshka BatchTopK's inference checkpoint (SAELens, saved as jumprelu), the multi-layer SAE in
 * tim-lawson/mlsae's layout, and an attention-output SAE on hook_z.
 */
class Sae2CheckpointTest {

    private static final float TOL = 1e-4f;

    @TempDir Path tmp;

    private static Path sae2() {
        return Fixtures.reference().resolve("sae2");
    }

    private static NDList run(NDManager m, SparseCoder block, NDArray x) {
        return block.forward(new ParameterStore(m, false), new NDList(x), false);
    }

    private static void close(String what, NDArray expected, NDArray actual) {
        float d = Fixtures.maxAbsDiff(actual, expected);
        System.out.printf("sae2 %-40s max |diff| %.3g%n", what, d);
        assertTrue(d < TOL, what + " differs by " + d);
    }

    @Test
    void matryoshkaInferenceCheckpointMatches() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = SaeLensFormat.read(m, sae2().resolve("matryoshka_jumprelu"));
            assertEquals("jumprelu", sae.config().architecture, "SAELens saves it as jumprelu");
            NDList io = SafeTensors.read(m, sae2().resolve("matryoshka_jumprelu.io.safetensors"));
            NDArray x = Fixtures.get(io, "input");
            NDList out = run(m, sae.block(), x);
            close("matryoshka_jumprelu feature_acts", Fixtures.get(io, "feature_acts"), out.get(0));
            close("matryoshka_jumprelu output", Fixtures.get(io, "output"), out.get(1));
            NDArray pre = sae.block().hiddenPre(new ParameterStore(m, false), x, false);
            close("matryoshka_jumprelu hidden_pre", Fixtures.get(io, "hidden_pre"), pre);
        }
    }

    @Test
    void matryoshkaComesBackWithItsTrainingConfig() throws IOException {
        Path cfg = sae2().resolve("matryoshka_jumprelu.train_cfg.json");
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae =
                    SaeLensFormat.readTrained(m, sae2().resolve("matryoshka_jumprelu"), cfg);
            assertEquals("matryoshka_batchtopk", sae.config().architecture);
            MatryoshkaBatchTopKSae block = (MatryoshkaBatchTopKSae) sae.block();
            assertArrayEquals(new int[] {8, 24, 32}, block.getGroupSizes());
            assertEquals(4, block.getK());
            NDList io = SafeTensors.read(m, sae2().resolve("matryoshka_jumprelu.io.safetensors"));
            NDList out = run(m, block, Fixtures.get(io, "input"));
            close(
                    "matryoshka (trained cfg) feature_acts",
                    Fixtures.get(io, "feature_acts"),
                    out.get(0));
            close("matryoshka (trained cfg) output", Fixtures.get(io, "output"), out.get(1));
            // its training form: BatchTopK over the batch, as SAELens' training pass
            NDArray x = Fixtures.get(io, "train.input");
            NDArray z = block.encode(new ParameterStore(m, false), x, true).dense();
            close(
                    "matryoshka (trained cfg) train.feature_acts",
                    Fixtures.get(io, "train.feature_acts"),
                    z);
        }
        Path bad = tmp.resolve("train_cfg.json");
        Files.writeString(bad, Files.readString(cfg).replace("64\n  ]", "60\n  ]"));
        try (NDManager m = NDManager.newBaseManager()) {
            ConfigException e =
                    assertThrows(
                            ConfigException.class,
                            () ->
                                    SaeLensFormat.readTrained(
                                            m, sae2().resolve("matryoshka_jumprelu"), bad));
            assertTrue(
                    e.getMessage().contains("'matryoshka_widths' [8,32,60] must end at d_sae = 64"),
                    e.getMessage());
        }
    }

    @Test
    void multiLayerSaeMatchesTheReference() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = Importers.saeFormat("mlsae").read(m, sae2().resolve("mlsae"));
            assertEquals("mlsae", sae.config().architecture);
            assertEquals(4, sae.config().k);
            assertTrue(sae.block() instanceof MultiLayerSae);
            NDList io = SafeTensors.read(m, sae2().resolve("mlsae.io.safetensors"));
            NDArray x = Fixtures.get(io, "input"); // (3 layers, 2, 4, 16)
            NDList out = run(m, sae.block(), x);
            close("mlsae feature_acts", Fixtures.get(io, "feature_acts"), out.get(0));
            close("mlsae output", Fixtures.get(io, "output"), out.get(1));
            NDArray flat = x.reshape(-1, 16);
            NDList stats = MultiLayerSae.standardize(flat);
            Shape s = x.getShape();
            close(
                    "mlsae standardized_input",
                    Fixtures.get(io, "standardized_input"),
                    stats.get(0).reshape(s));
            Shape one = new Shape(3, 2, 4, 1);
            close("mlsae stats.mean", Fixtures.get(io, "stats.mean"), stats.get(1).reshape(one));
            close("mlsae stats.std", Fixtures.get(io, "stats.std"), stats.get(2).reshape(one));
            NDArray pre = sae.block().hiddenPre(new ParameterStore(m, false), stats.get(0), false);
            close(
                    "mlsae latents_pre",
                    Fixtures.get(io, "latents_pre"),
                    pre.reshape(new Shape(3, 2, 4, 64)));
            // the zeroed row (a special token) reconstructs to exactly 0
            assertEquals(0f, out.get(1).get("0, 0, 0").abs().max().getFloat(), "zero row");
            NDArray fvu = MultiLayerSae.layerFvu(x, out.get(1));
            close("mlsae layer_fvu", Fixtures.get(io, "layer_fvu"), fvu);
            close("mlsae mse_loss", Fixtures.get(io, "mse_loss"), fvu.mean());
            // the first forward from a fresh load: every counter is 1 < dead_steps_threshold 76
            assertEquals(0f, Fixtures.get(io, "dead").getFloat(), "nothing dead");
            NDList aux =
                    ((MultiLayerSae) sae.block())
                            .auxK(new ParameterStore(m, false), pre, new boolean[64], 8);
            close(
                    "mlsae auxk_acts",
                    Fixtures.get(io, "auxk_acts"),
                    aux.get(0).reshape(3, 2, 4, 64));
            NDArray auxRecons = aux.get(1).reshape(s);
            close("mlsae auxk_recons", Fixtures.get(io, "auxk_recons"), auxRecons);
            float auxLoss = MultiLayerSae.auxLoss(x, out.get(1), auxRecons, 1f / 32);
            close("mlsae aux_loss", Fixtures.get(io, "aux_loss").reshape(), m.create(auxLoss));
        }
    }

    @Test
    void multiLayerSaeWithTunedLensMatchesTheReference() throws IOException {
        Path dir = sae2().resolve("mlsae_lens");
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = Importers.saeFormat("mlsae").read(m, dir);
            TunedLens lens = MlsaeFormat.readLens(m, dir);
            assertTrue(lens != null, "tuned_lens/ is read");
            assertEquals(3, lens.layers());
            NDList io = SafeTensors.read(m, sae2().resolve("mlsae_lens.io.safetensors"));
            NDArray x = Fixtures.get(io, "input");
            NDArray h = lens.transform(x);
            close("mlsae_lens lens_input", Fixtures.get(io, "lens_input"), h);
            NDList out = run(m, sae.block(), h);
            close("mlsae_lens feature_acts", Fixtures.get(io, "feature_acts"), out.get(0));
            close(
                    "mlsae_lens recons_lens_space",
                    Fixtures.get(io, "recons_lens_space"),
                    out.get(1));
            close("mlsae_lens output", Fixtures.get(io, "output"), lens.inverse(out.get(1)));
            close(
                    "mlsae_lens output_exact_inverse",
                    Fixtures.get(io, "output_exact_inverse"),
                    lens.exactInverse(out.get(1)));
            // the metrics are taken in lens space
            NDArray fvu = MultiLayerSae.layerFvu(h, out.get(1));
            close("mlsae_lens layer_fvu", Fixtures.get(io, "layer_fvu"), fvu);
            close("mlsae_lens mse_loss", Fixtures.get(io, "mse_loss"), fvu.mean());
            // no lens folder: no lens
            assertEquals(null, MlsaeFormat.readLens(m, sae2().resolve("mlsae")));
        }
    }

    @Test
    void multiLayerSaeExportsIdenticalTensorsAndConfig() throws IOException {
        Path src = sae2().resolve("mlsae");
        Path out = tmp.resolve("mlsae_out");
        SaeImporter io = Importers.saeFormat("mlsae");
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = io.read(m, src);
            io.write(out, sae.config(), sae.block());
            NDList original = SafeTensors.read(m, src.resolve(MlsaeFormat.WEIGHTS));
            NDList written = SafeTensors.read(m, out.resolve(MlsaeFormat.WEIGHTS));
            assertEquals(original.size(), written.size());
            for (NDArray a : original) {
                NDArray b = Fixtures.get(written, a.getName());
                assertEquals(a.getShape(), b.getShape(), a.getName());
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f, a.getName());
            }
            assertEquals(
                    Configs.MAPPER.readTree(src.resolve(MlsaeFormat.CONFIG).toFile()),
                    Configs.MAPPER.readTree(out.resolve(MlsaeFormat.CONFIG).toFile()),
                    "config.json round trip");
            // through an mlp-zoo model directory (mlpzoo import --format mlsae) and back
            Path modelDir = tmp.resolve("model");
            io.importCheckpoint(src, modelDir);
            SaeConfig c =
                    (SaeConfig)
                            Configs.read(
                                    Files.readAllBytes(
                                            modelDir.resolve(ai.mlpzoo.zoo.ModelDirs.ARCHITECTURE)),
                                    "model config");
            assertEquals("mlsae", c.architecture);
            assertEquals(
                    76,
                    c.metadata.get("dead_steps_threshold").asInt(),
                    "training fields ride along");
        }
    }

    @Test
    void mlsaeWithAMissingTensorIsNamed() throws IOException {
        Path ckpt = tmp.resolve("mlsae_missing");
        Files.createDirectories(ckpt);
        Files.copy(sae2().resolve("mlsae/config.json"), ckpt.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDList all = SafeTensors.read(m, sae2().resolve("mlsae/model.safetensors"));
            NDList some = new NDList();
            for (NDArray a : all) {
                if (!"decoder.weight".equals(a.getName())) {
                    some.add(a);
                }
            }
            SafeTensors.write(some, ckpt.resolve("model.safetensors"));
            CheckpointException e =
                    assertThrows(
                            CheckpointException.class,
                            () -> Importers.saeFormat("mlsae").read(m, ckpt));
            assertTrue(e.getMessage().contains("missing tensor(s) decoder.weight"), e.getMessage());
        }
    }

    @Test
    void mlsaeConfigErrorsNameTheField() throws IOException {
        Path cfg = tmp.resolve("config.json");
        String good = Files.readString(sae2().resolve("mlsae/config.json"));
        Files.writeString(cfg, good.replace("\"k\": 4", "\"k\": 100"));
        ConfigException e = assertThrows(ConfigException.class, () -> MlsaeFormat.readConfig(cfg));
        assertTrue(e.getMessage().contains("'k' (100) is larger"), e.getMessage());
        Files.writeString(cfg, good.replace("\"standardize\": true", "\"standardize\": false"));
        e = assertThrows(ConfigException.class, () -> MlsaeFormat.readConfig(cfg));
        assertTrue(e.getMessage().contains("standardize = false"), e.getMessage());
    }

    @Test
    void mlsaeCannotBeSavedAsSaeLens() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = Importers.saeFormat("mlsae").read(m, sae2().resolve("mlsae"));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> SaeLensFormat.write(tmp.resolve("x"), sae.config(), sae.block()));
            assertTrue(e.getMessage().contains("SAELens layout"), e.getMessage());
        }
    }

    @Test
    void hookZSaeMatchesAndRoundTrips() throws IOException {
        Path src = sae2().resolve("saelens_hookz_standard");
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedSae sae = SaeLensFormat.read(m, src);
            assertTrue(sae.config().isHookZ());
            assertTrue(sae.block().isReshapeHookZ());
            NDList io =
                    SafeTensors.read(m, sae2().resolve("saelens_hookz_standard.io.safetensors"));
            NDArray x = Fixtures.get(io, "input"); // (2, 3, 2 heads, 8)
            sae.block().checkInput(x);
            NDList out = run(m, sae.block(), x);
            close("hook_z feature_acts", Fixtures.get(io, "feature_acts"), out.get(0));
            close("hook_z output", Fixtures.get(io, "output"), out.get(1));
            assertEquals(new Shape(2, 3, 2, 8), out.get(1).getShape());
            NDArray pre =
                    sae.block().hiddenPre(new ParameterStore(m, false), x.reshape(-1, 16), false);
            close("hook_z hidden_pre", Fixtures.get(io, "hidden_pre"), pre.reshape(2, 3, 32));
            // written back with reshape_activations hook_z, and read as such
            Path out2 = tmp.resolve("hookz");
            SaeLensFormat.write(out2, sae.config(), sae.block());
            assertTrue(
                    Files.readString(out2.resolve("cfg.json"))
                            .contains("\"reshape_activations\" : \"hook_z\""));
            assertTrue(SaeLensFormat.read(m, out2).block().isReshapeHookZ());
            // the model directory's JSON keeps it too
            SaeConfig again =
                    (SaeConfig)
                            Configs.read(
                                    Configs.toJson(sae.config()).getBytes(StandardCharsets.UTF_8),
                                    "again");
            assertTrue(again.toBlock().isReshapeHookZ());
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> sae.block().checkInput(m.ones(new Shape(2, 3, 3, 8))));
            assertTrue(
                    e.getMessage().contains("(..., n_heads, d_head)")
                            && e.getMessage().contains("d_in = 16")
                            && e.getMessage().contains("(2, 3, 3, 8)"),
                    e.getMessage());
        }
    }

    @Test
    void hookZNeedsAHookZName() throws IOException {
        Path dir = tmp.resolve("hookz_bad");
        Files.createDirectories(dir);
        Path src = sae2().resolve("saelens_hookz_standard");
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path cfg = dir.resolve("cfg.json");
        Files.writeString(
                cfg,
                Files.readString(cfg).replace("blocks.1.attn.hook_z", "blocks.1.hook_resid_post"));
        ConfigException e =
                assertThrows(ConfigException.class, () -> SaeLensFormat.readConfig(cfg));
        assertTrue(
                e.getMessage().contains("metadata.hook_name ending in '_z'")
                        && e.getMessage().contains("blocks.1.hook_resid_post"),
                e.getMessage());
    }
}
