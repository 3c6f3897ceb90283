package ai.mlpzoo.blocks.mixer;

import ai.mlpzoo.blocks.kan.BaseActivation;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Mixer-family architecture as one value: the layer ({@link BlockLayer}, timm's {@code
 * block_layer}), its norm ({@link NormLayer}, also the final norm), its channel MLP ({@link
 * MlpLayer}) and the activation, with the family's default MLP ratios. Choosing {@link #RESMLP}
 * gives ResBlocks <i>and</i> Affine norms everywhere; there is no second switch to forget (timm
 * needs {@code block_layer=ResBlock} and {@code norm_layer=Affine} together). A part can still be
 * replaced, e.g. {@code MixerFamily.MIXER.withMlpLayer(MlpLayer.kat(8, RationalInit.GELU))} for a
 * KAN-Mixer; the result keeps the family's name.
 */
public final class MixerFamily {

    /**
     * MLP-Mixer (Tolstikhin et al. 2021): MixerBlocks, LayerNorm eps 1e-6, GELU MLPs, ratios (0.5,
     * 4).
     */
    public static final MixerFamily MIXER =
            new MixerFamily(
                    "mixer",
                    BlockLayer.MIXER,
                    NormLayer.layerNorm(1e-6),
                    MlpLayer.MLP,
                    BaseActivation.GELU,
                    new double[] {0.5, 4.0});

    /** ResMLP (Touvron et al. 2021): ResBlocks, Affine norms, GELU MLP, ratio 4. */
    public static final MixerFamily RESMLP =
            new MixerFamily(
                    "resmlp",
                    BlockLayer.RES,
                    NormLayer.AFFINE,
                    MlpLayer.MLP,
                    BaseActivation.GELU,
                    new double[] {4.0});

    /** gMLP (Liu et al. 2021): SpatialGatingBlocks, LayerNorm eps 1e-6, gated GELU MLP, ratio 6. */
    public static final MixerFamily GMLP =
            new MixerFamily(
                    "gmlp",
                    BlockLayer.SPATIAL_GATING,
                    NormLayer.layerNorm(1e-6),
                    MlpLayer.GATED,
                    BaseActivation.GELU,
                    new double[] {6.0});

    private final String name;
    private final BlockLayer blockLayer;
    private final NormLayer normLayer;
    private final MlpLayer mlpLayer;
    private final BaseActivation actLayer;
    private final double[] mlpRatio;

    private MixerFamily(
            String name,
            BlockLayer blockLayer,
            NormLayer normLayer,
            MlpLayer mlpLayer,
            BaseActivation actLayer,
            double[] mlpRatio) {
        this.name = name;
        this.blockLayer = Objects.requireNonNull(blockLayer, "block_layer");
        this.normLayer = Objects.requireNonNull(normLayer, "norm_layer");
        this.mlpLayer = Objects.requireNonNull(mlpLayer, "mlp_layer");
        this.actLayer = Objects.requireNonNull(actLayer, "act_layer");
        this.mlpRatio = mlpRatio.clone();
    }

    /**
     * @return the family's name, as the {@code block} field of a config spells it
     */
    public String name() {
        return name;
    }

    /**
     * @return the layer
     */
    public BlockLayer blockLayer() {
        return blockLayer;
    }

    /**
     * @return the norm of every layer and of the final norm
     */
    public NormLayer normLayer() {
        return normLayer;
    }

    /**
     * @return the channel MLP
     */
    public MlpLayer mlpLayer() {
        return mlpLayer;
    }

    /**
     * @return the MLPs' activation
     */
    public BaseActivation actLayer() {
        return actLayer;
    }

    /**
     * @return the default MLP ratios, a copy
     */
    public double[] mlpRatio() {
        return mlpRatio.clone();
    }

    /**
     * @param v the norm of every layer and of the final norm
     * @return a copy of this family with that norm
     */
    public MixerFamily withNormLayer(NormLayer v) {
        return new MixerFamily(name, blockLayer, v, mlpLayer, actLayer, mlpRatio);
    }

    /**
     * @param v the channel MLP
     * @return a copy of this family with that MLP
     */
    public MixerFamily withMlpLayer(MlpLayer v) {
        return new MixerFamily(name, blockLayer, normLayer, v, actLayer, mlpRatio);
    }

    /**
     * @param v the MLPs' activation
     * @return a copy of this family with that activation
     */
    public MixerFamily withActLayer(BaseActivation v) {
        return new MixerFamily(name, blockLayer, normLayer, mlpLayer, v, mlpRatio);
    }

    /**
     * @param v the default MLP ratios
     * @return a copy of this family with those defaults
     */
    public MixerFamily withMlpRatio(double... v) {
        return new MixerFamily(name, blockLayer, normLayer, mlpLayer, actLayer, v);
    }

    @Override
    public String toString() {
        return name + "(mlp_ratio=" + Arrays.toString(mlpRatio) + ", act=" + actLayer.id() + ")";
    }
}
