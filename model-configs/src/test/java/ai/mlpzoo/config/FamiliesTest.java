package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.mlpzoo.blocks.mixer.MixerFamily;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The family registry: one definition per family, consulted by the config reader. */
class FamiliesTest {

    @Test
    void visionFamiliesAreTheBlockValues() {
        assertEquals(
                List.of("mixer", "resmlp", "gmlp", "gmixer"),
                Families.visions().stream().map(Families.Vision::name).toList());
        assertSame(MixerFamily.RESMLP, Families.vision("resmlp").blocks());
        assertSame(
                MixerFamily.GMLP,
                Families.vision("GMLP").blocks(),
                "case does not matter, as before");
        for (Families.Vision v : Families.visions()) {
            assertEquals(
                    v.name(), v.blocks().name(), "the registry and the blocks agree on the name");
        }
    }

    @Test
    void kanKindsAndAliasesNameOneModelType() {
        assertEquals(
                List.of("bspline", "rbf", "rational"),
                Families.kans().stream().map(Families.Kan::name).toList());
        assertSame(Families.kan("rbf"), Families.kan("fastkan"));
        assertEquals(FastKanConfig.class, Families.kan("fastkan").configClass());
        assertEquals("kan_rational", Families.kan("kat").modelType());
        ConfigException e = assertThrows(ConfigException.class, () -> Families.kan("chebyshev"));
        assertTrue(
                e.getMessage().contains("unknown KAN kind 'chebyshev'")
                        && e.getMessage().contains("fastkan"),
                e.getMessage());
    }

    @Test
    void theReaderKnowsEveryRegisteredModelTypeAndNamesThemWhenLost() {
        // the families of other issues (time series) register more tags: these must be among them
        assertTrue(
                Families.modelTypes()
                        .containsAll(
                                List.of(
                                        "mlp_mixer",
                                        "sae",
                                        "kan_bspline",
                                        "kan_rbf",
                                        "kan_rational",
                                        "timemixer",
                                        "tsmixer_google",
                                        "patchtsmixer",
                                        "metaformer",
                                        "ms_mlp",
                                        "raft_mlp",
                                        "strip_mlp")),
                Families.modelTypes().toString());
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                Configs.read(
                                        "{\"model_type\": \"kan_cheb\"}"
                                                .getBytes(StandardCharsets.UTF_8),
                                        "x.json"));
        assertTrue(
                e.getMessage()
                        .contains(
                                "x.json: unknown model_type 'kan_cheb'; known: mlp_mixer, sae, kan_bspline"),
                e.getMessage());
        // every KAN kind's config is found by its tag
        for (Families.Kan k : Families.kans()) {
            ConfigException missing =
                    assertThrows(
                            ConfigException.class,
                            () ->
                                    Configs.read(
                                            ("{\"model_type\": \""
                                                            + k.modelType()
                                                            + "\", \"colour\": 1}")
                                                    .getBytes(StandardCharsets.UTF_8),
                                            "k.json"));
            assertTrue(
                    missing.getMessage().contains("unknown field 'colour'"), missing.getMessage());
        }
    }
}
