package ai.mlpzoo.blocks.sae;

/**
 * A ReLU transcoder (Dunefsky et al. 2024, "Transcoders Find Interpretable LLM Feature Circuits"):
 * reads a sub-block's input (d_in) and reconstructs its output (d_out), {@code y = ReLU(x W_enc +
 * b_enc) W_dec + b_dec}; the input is never shifted by b_dec, which lives in the output space. With
 * {@code skip}, a linear skip connection adds {@code x W_skip^T} (Paulo et al. 2025, "Transcoders
 * Beat Sparse Autoencoders for Interpretability"). SAELens architectures {@code transcoder} and
 * {@code skip_transcoder}.
 */
public class Transcoder extends StandardSae {

    /** The {@code transcoder} architecture: ReLU latents, L1 penalty, d_out of its own. */
    public static final SaeArchitecture ARCHITECTURE =
            SaeArchitecture.builder("transcoder", Transcoder.class)
                    .transcoder(false)
                    .rules(
                            spec -> {
                                if (spec.skip()) {
                                    throw new IllegalArgumentException(
                                            "field 'skip' is true: a transcoder with W_skip is architecture skip_transcoder");
                                }
                            })
                    .factory(Transcoder::of)
                    .training(StandardSae::l1Penalty)
                    .build();

    /** The {@code skip_transcoder} architecture: a transcoder with the skip connection W_skip. */
    public static final SaeArchitecture SKIP_ARCHITECTURE =
            SaeArchitecture.builder("skip_transcoder", Transcoder.class)
                    .transcoder(true)
                    .factory(Transcoder::of)
                    .training(StandardSae::l1Penalty)
                    .build();

    /**
     * Creates the transcoder.
     *
     * @param dIn the input width
     * @param dSae the dictionary size
     * @param dOut the output width
     * @param skip whether to add the skip connection W_skip (d_out, d_in)
     */
    public Transcoder(int dIn, int dSae, int dOut, boolean skip) {
        super(SaeDims.transcoder(dIn, dSae, dOut, skip));
    }

    private static Transcoder of(SaeDims dims, SaeSpec spec) {
        return new Transcoder(dims.dIn(), dims.dSae(), dims.dOut(), dims.skip());
    }

    @Override
    public String architecture() {
        return dims.skip() ? "skip_transcoder" : "transcoder";
    }
}
