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

    @Override
    public String architecture() {
        return dims.skip() ? "skip_transcoder" : "transcoder";
    }
}
