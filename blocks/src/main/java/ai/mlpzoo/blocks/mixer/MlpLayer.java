package ai.mlpzoo.blocks.mixer;

import ai.djl.nn.Block;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.kan.KatMlp;
import ai.mlpzoo.blocks.kan.RationalInit;

/**
 * Makes the channel MLP of a token-mixing layer: timm's {@code mlp_layer}. It maps (batch, tokens,
 * dim) to the same shape, so that it sits inside a residual branch.
 */
@FunctionalInterface
public interface MlpLayer {

    /** timm's {@code Mlp}: fc1, activation, fc2 ({@link Mlp}). */
    MlpLayer MLP = (dim, hidden, seqLen, act, drop) -> new Mlp(hidden, dim, act, drop);

    /** gMLP's {@link GatedMlp}: fc1, activation, spatial gate, fc2. */
    MlpLayer GATED =
            (dim, hidden, seqLen, act, drop) -> new GatedMlp(hidden, dim, seqLen, act, drop);

    /** timm's {@code GluMlp}: fc1, value times act(gate), fc2 ({@link GluMlp}); gMixer's MLP. */
    MlpLayer GLU = (dim, hidden, seqLen, act, drop) -> new GluMlp(hidden, dim, act, drop);

    /**
     * Creates one MLP.
     *
     * @param dim the input and output width
     * @param hidden the hidden width
     * @param seqLen the number of tokens (for a spatial gate; other MLPs ignore it)
     * @param act the activation
     * @param drop dropout inside the MLP while training
     * @return the MLP
     */
    Block create(int dim, int hidden, int seqLen, BaseActivation act, float drop);

    /**
     * KAT's group-rational {@link KatMlp} (rational, linear, rational, linear): with the Mixer
     * family it makes the KAN-Mixer. The rationals replace the activation, which it ignores.
     *
     * @param groups the rational groups (KAT: 8), dividing both the width and the hidden width
     * @param actInit the second rational's initial function (KAT: gelu)
     * @return the MLP layer
     */
    static MlpLayer kat(int groups, RationalInit actInit) {
        Checks.positive(groups, "num_groups");
        return (dim, hidden, seqLen, act, drop) -> {
            if (dim % groups != 0 || hidden % groups != 0) {
                throw new IllegalArgumentException(
                        Checks.field("num_groups")
                                + " ("
                                + groups
                                + ") must divide "
                                + Checks.field("embed_dim")
                                + " ("
                                + dim
                                + ") and the channel MLP width ("
                                + hidden
                                + ")");
            }
            return new KatMlp(hidden, dim, groups, actInit, drop);
        };
    }
}
