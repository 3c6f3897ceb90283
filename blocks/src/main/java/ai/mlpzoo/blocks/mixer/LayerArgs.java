package ai.mlpzoo.blocks.mixer;

import ai.mlpzoo.blocks.kan.BaseActivation;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link BlockLayer} builds one layer from: the arguments timm's {@code MlpMixer} passes to
 * its {@code block_layer}. {@link MlpMixer.Builder} makes one per model and validates the sizes and
 * rates; each layer checks what only it knows (how many ratios it takes, what its MLP needs).
 *
 * @param dim the channel width ({@code embed_dim})
 * @param seqLen the number of tokens (patches)
 * @param mlpRatio MLP widths as multiples of dim: (token, channel) for a MixerBlock, one channel
 *     ratio for the others
 * @param norm the norm inside the layer
 * @param mlp the channel MLP
 * @param act the MLPs' activation
 * @param drop dropout inside the MLPs while training ({@code proj_drop_rate})
 * @param dropPath the stochastic-depth rate of the residual branches ({@code drop_path_rate})
 * @param initValues the initial layer-scale value, for layers that have one (ResMLP)
 * @param tokenMlp the token MLP of a layer that has one (a MixerBlock): {@link MlpLayer#MLP} for
 *     MLP-Mixer and the KAN-Mixer, {@link MlpLayer#GLU} for gMixer (timm's {@code MixerBlock} makes
 *     both MLPs with its {@code mlp_layer})
 */
public record LayerArgs(
        int dim,
        int seqLen,
        double[] mlpRatio,
        NormLayer norm,
        MlpLayer mlp,
        BaseActivation act,
        float drop,
        float dropPath,
        double initValues,
        MlpLayer tokenMlp) {

    /** Copies the ratios, so that a caller cannot change them later, and requires every part. */
    public LayerArgs {
        mlpRatio = mlpRatio.clone();
        Objects.requireNonNull(norm, "norm_layer");
        Objects.requireNonNull(mlp, "mlp_layer");
        Objects.requireNonNull(act, "act_layer");
        Objects.requireNonNull(tokenMlp, "token mlp_layer");
    }

    /**
     * The arguments with timm's {@link MlpLayer#MLP} as the token MLP (MLP-Mixer, the KAN-Mixer).
     *
     * @param dim the channel width
     * @param seqLen the number of tokens
     * @param mlpRatio MLP widths as multiples of dim
     * @param norm the norm inside the layer
     * @param mlp the channel MLP
     * @param act the MLPs' activation
     * @param drop dropout inside the MLPs while training
     * @param dropPath the stochastic-depth rate
     * @param initValues the initial layer-scale value
     */
    public LayerArgs(
            int dim,
            int seqLen,
            double[] mlpRatio,
            NormLayer norm,
            MlpLayer mlp,
            BaseActivation act,
            float drop,
            float dropPath,
            double initValues) {
        this(dim, seqLen, mlpRatio, norm, mlp, act, drop, dropPath, initValues, MlpLayer.MLP);
    }

    /**
     * @return the ratios, a copy
     */
    @Override
    public double[] mlpRatio() {
        return mlpRatio.clone();
    }

    /**
     * The hidden width of an MLP, as timm computes it: {@code int(ratio * dim)}.
     *
     * @param index which ratio
     * @return the width
     */
    public int hidden(int index) {
        int hidden = (int) (mlpRatio[index] * dim);
        if (hidden < 1) {
            throw new IllegalArgumentException(
                    "field 'mlp_ratio' ("
                            + mlpRatio[index]
                            + ") times field 'embed_dim' ("
                            + dim
                            + ") leaves an MLP of width "
                            + hidden);
        }
        return hidden;
    }

    /**
     * Fails unless there are {@code count} ratios, naming the block that needs them.
     *
     * @param count the number this layer takes
     * @param what the layer and the meaning of its ratios, for the message
     */
    public void requireRatios(int count, String what) {
        if (mlpRatio.length != count) {
            throw new IllegalArgumentException(
                    "field 'mlp_ratio' must hold "
                            + count
                            + " number(s) for "
                            + what
                            + ", got "
                            + Arrays.toString(mlpRatio));
        }
    }
}
