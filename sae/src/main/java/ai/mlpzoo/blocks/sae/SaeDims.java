package ai.mlpzoo.blocks.sae;

/**
 * The sizes and wiring of a sparse coder: an autoencoder maps d_in to d_in, a transcoder d_in to
 * d_out. Immutable; validated on construction so that a block never exists with impossible sizes.
 *
 * @param dIn the input width
 * @param dSae the dictionary size (number of latents)
 * @param dOut the output width (d_in for an autoencoder)
 * @param applyBDecToInput whether b_dec is subtracted from the input before encoding (SAELens
 *     {@code apply_b_dec_to_input}; never for a transcoder)
 * @param skip whether a linear skip connection W_skip (d_out, d_in) adds {@code x @ W_skip^T}
 */
public record SaeDims(int dIn, int dSae, int dOut, boolean applyBDecToInput, boolean skip) {

    /** Validates the sizes. */
    public SaeDims {
        if (dIn <= 0) {
            throw new IllegalArgumentException("d_in must be positive, got " + dIn);
        }
        if (dSae <= 0) {
            throw new IllegalArgumentException("d_sae must be positive, got " + dSae);
        }
        if (dOut <= 0) {
            throw new IllegalArgumentException("d_out must be positive, got " + dOut);
        }
        if (applyBDecToInput && dOut != dIn) {
            throw new IllegalArgumentException(
                    "apply_b_dec_to_input needs d_out == d_in (b_dec lives in the output space), got d_in "
                            + dIn
                            + ", d_out "
                            + dOut);
        }
    }

    /**
     * An autoencoder that subtracts b_dec from its input, as SAELens and sparsify do by default.
     *
     * @param dIn the input width
     * @param dSae the dictionary size
     * @return the dims
     */
    public static SaeDims autoencoder(int dIn, int dSae) {
        return new SaeDims(dIn, dSae, dIn, true, false);
    }

    /**
     * A transcoder: the input is never shifted by b_dec, which lives in the output space.
     *
     * @param dIn the input width
     * @param dSae the dictionary size
     * @param dOut the output width
     * @param skip whether to add the skip connection W_skip
     * @return the dims
     */
    public static SaeDims transcoder(int dIn, int dSae, int dOut, boolean skip) {
        return new SaeDims(dIn, dSae, dOut, false, skip);
    }

    /**
     * @return whether input and output spaces differ in role (no b_dec subtraction, any d_out)
     */
    public boolean isTranscoder() {
        return !applyBDecToInput && (dOut != dIn || skip);
    }
}
