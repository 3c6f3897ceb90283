package ai.mlpzoo.blocks.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry and the declarations of the built-in architectures. */
class SaeArchitecturesTest {

    @Test
    void builtInsAreRegisteredWithTheirFormatNames() {
        assertEquals(
                List.of(
                        "standard",
                        "topk",
                        "batchtopk",
                        "jumprelu",
                        "gated",
                        "transcoder",
                        "skip_transcoder",
                        "matryoshka_batchtopk",
                        "mlsae"),
                SaeArchitectures.names());
        // Matryoshka BatchTopK is saved as jumprelu too; SAELens cannot hold the multi-layer SAE
        assertEquals("jumprelu", SaeArchitectures.get("matryoshka_batchtopk").saeLensName());
        assertEquals(null, SaeArchitectures.get("mlsae").saeLensName());
        assertFalse(SaeArchitectures.saeLensNames().contains("mlsae"));
        // BatchTopK is a JumpReLU SAE at inference and SAELens saves it as one
        assertEquals("jumprelu", SaeArchitectures.get("batchtopk").saeLensName());
        assertFalse(SaeArchitectures.saeLensNames().contains("batchtopk"));
        assertEquals(List.of("topk"), SaeArchitectures.sparsifyActivations());
        assertSame(TopKSae.ARCHITECTURE, SaeArchitectures.forSparsify("topk").orElseThrow());
    }

    @Test
    void blocksFindTheirArchitectureByExactClass() {
        assertSame(
                Transcoder.SKIP_ARCHITECTURE,
                SaeArchitectures.require(new Transcoder(8, 16, 6, true)));
        assertSame(
                Transcoder.ARCHITECTURE, SaeArchitectures.require(new Transcoder(8, 16, 6, false)));
        assertSame(
                BatchTopKSae.ARCHITECTURE,
                SaeArchitectures.require(new BatchTopKSae(SaeDims.autoencoder(8, 16), 2)));
        // a subclass may change the math: it is not its parent's architecture
        class Mine extends StandardSae {
            Mine() {
                super(SaeDims.autoencoder(4, 8));
            }
        }
        assertTrue(SaeArchitectures.of(new Mine()).isEmpty());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> SaeArchitectures.require(new Mine()));
        assertTrue(
                e.getMessage().contains(Mine.class.getName())
                        && e.getMessage().contains("SaeArchitectures.register"),
                e.getMessage());
    }

    @Test
    void unknownAndDuplicateNamesAreRefused() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> SaeArchitectures.get("crosscoder"));
        assertTrue(
                e.getMessage()
                        .contains("unknown SAE architecture 'crosscoder'; known: standard, topk"),
                e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SaeArchitectures.register(TopKSae.ARCHITECTURE));
        assertTrue(e.getMessage().contains("'topk' is already registered"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> SaeArchitecture.builder("Top-K", TopKSae.class));
    }

    @Test
    void commonAndOwnRulesNameTheField() {
        SaeArchitecture topk = SaeArchitectures.get("topk");
        assertEquals(
                "field 'k' is required for architecture topk",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> topk.build(SaeSpec.autoencoder(8, 16, null)))
                        .getMessage());
        assertEquals(
                "field 'k' (17) is larger than the dictionary size d_sae (16)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> topk.validate(SaeSpec.autoencoder(8, 16, 17)))
                        .getMessage());
        assertEquals(
                "field 'd_in' must be positive, got 0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> topk.validate(SaeSpec.autoencoder(0, 16, 2)))
                        .getMessage());
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        SaeArchitectures.get("standard")
                                                .validate(new SaeSpec(8, 16, 6, null, true, false)))
                        .getMessage()
                        .contains("field 'apply_b_dec_to_input' needs d_out == d_in"));
        // the transcoder's own rule: W_skip makes it the other architecture
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        Transcoder.ARCHITECTURE.validate(
                                                new SaeSpec(8, 16, 6, null, false, true)))
                        .getMessage()
                        .contains("architecture skip_transcoder"));
    }

    @Test
    void transcodersIgnoreTheBDecFieldAndSkipTranscodersAlwaysSkip() {
        SaeSpec spec = new SaeSpec(8, 16, 6, null, true, false);
        assertEquals(new SaeDims(8, 16, 6, false, true), Transcoder.SKIP_ARCHITECTURE.dims(spec));
        SparseCoder t = Transcoder.SKIP_ARCHITECTURE.build(spec);
        assertEquals("skip_transcoder", t.architecture());
        assertTrue(t.getWSkip() != null);
    }

    @Test
    void aFactoryThatBuildsAnotherClassIsCaught() {
        SaeArchitecture wrong =
                SaeArchitecture.builder("wrong", GatedSae.class)
                        .factory((dims, spec) -> new StandardSae(dims))
                        .training(StandardSae::l1Penalty)
                        .build();
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> wrong.build(SaeSpec.autoencoder(4, 8, null)));
        assertTrue(
                e.getMessage().contains("registered for " + GatedSae.class.getName()),
                e.getMessage());
    }
}
