package ai.mlpzoo.blocks.sae;

import java.util.List;

/**
 * The fields a sparse coder is described by, as a config or a checkpoint's {@code cfg.json} gives
 * them and before any architecture has interpreted them (a transcoder, for example, ignores {@code
 * applyBDecToInput}). {@link SaeArchitecture#validate} checks them and {@link
 * SaeArchitecture#build} turns them into a block; the names in messages are the config fields'.
 *
 * @param dIn the input width ({@code d_in})
 * @param dSae the dictionary size ({@code d_sae})
 * @param dOut the output width ({@code d_out}), or null for d_in
 * @param k active latents per row ({@code k}), or null where the architecture has none
 * @param applyBDecToInput whether b_dec is subtracted from the input ({@code apply_b_dec_to_input})
 * @param skip whether a skip connection W_skip exists ({@code skip})
 * @param groupSizes the Matryoshka groups' sizes in order ({@code group_sizes}, summing to d_sae),
 *     or null where the architecture has none
 */
public record SaeSpec(
        int dIn,
        int dSae,
        Integer dOut,
        Integer k,
        boolean applyBDecToInput,
        boolean skip,
        List<Integer> groupSizes) {

    /** Copies the group sizes, so that a spec never changes after its check. */
    public SaeSpec {
        groupSizes = groupSizes == null ? null : List.copyOf(groupSizes);
    }

    /**
     * The fields of an architecture without Matryoshka groups.
     *
     * @param dIn the input width
     * @param dSae the dictionary size
     * @param dOut the output width, or null for d_in
     * @param k active latents per row, or null
     * @param applyBDecToInput whether b_dec is subtracted from the input
     * @param skip whether W_skip exists
     */
    public SaeSpec(
            int dIn, int dSae, Integer dOut, Integer k, boolean applyBDecToInput, boolean skip) {
        this(dIn, dSae, dOut, k, applyBDecToInput, skip, null);
    }

    /**
     * An autoencoder's fields, with SAELens' default of subtracting b_dec from the input.
     *
     * @param dIn the input width
     * @param dSae the dictionary size
     * @param k active latents per row, or null
     * @return the fields
     */
    public static SaeSpec autoencoder(int dIn, int dSae, Integer k) {
        return new SaeSpec(dIn, dSae, null, k, true, false);
    }

    /**
     * @return the output width: d_out, or d_in when it is not given
     */
    public int outWidth() {
        return dOut == null ? dIn : dOut;
    }
}
