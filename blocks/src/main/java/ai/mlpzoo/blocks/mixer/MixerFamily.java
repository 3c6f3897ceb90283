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

    /**
     * gMixer (timm's {@code gmixer_*}, Ross Wightman's Mixer with the GLU MLP of Dauphin et al.
     * 2017): MixerBlocks, LayerNorm eps 1e-6, {@link GluMlp} with SiLU as both the token and the
     * channel MLP, ratios (1, 4).
     */
    public static final MixerFamily GMIXER =
            new MixerFamily(
                    "gmixer",
                    BlockLayer.MIXER,
                    NormLayer.layerNorm(1e-6),
                    MlpLayer.GLU,
                    BaseActivation.SILU,
                    new double[] {1.0, 4.0},
                    MlpLayer.GLU);

    private final String name;
    private final BlockLayer blockLayer;
    private final NormLayer normLayer;
    private final MlpLayer mlpLayer;
    private final BaseActivation actLayer;
    private final double[] mlpRatio;
    private final MlpLayer tokenMlpLayer;

    private MixerFamily(
            String name,
            BlockLayer blockLayer,
            NormLayer normLayer,
            MlpLayer mlpLayer,
            BaseActivation actLayer,
            double[] mlpRatio) {
        this(name, blockLayer, normLayer, mlpLayer, actLayer, mlpRatio, MlpLayer.MLP);
    }

    private MixerFamily(
            String name,
            BlockLayer blockLayer,
            NormLayer normLayer,
            MlpLayer mlpLayer,
            BaseActivation actLayer,
            double[] mlpRatio,
            MlpLayer tokenMlpLayer) {
        this.name = name;
        this.blockLayer = Objects.requireNonNull(blockLayer, "block_layer");
        this.normLayer = Objects.requireNonNull(normLayer, "norm_layer");
        this.mlpLayer = Objects.requireNonNull(mlpLayer, "mlp_layer");
        this.actLayer = Objects.requireNonNull(actLayer, "act_layer");
        this.mlpRatio = mlpRatio.clone();
        this.tokenMlpLayer = Objects.requireNonNull(tokenMlpLayer, "token mlp_layer");
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
     * @return the token MLP of a MixerBlock ({@link MlpLayer#MLP} but for gMixer's GLU); {@link
     *     #withMlpLayer} leaves it, so that a KAN-Mixer keeps plain token MLPs
     */
    public MlpLayer tokenMlpLayer() {
        return tokenMlpLayer;
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
        return new MixerFamily(name, blockLayer, v, mlpLayer, actLayer, mlpRatio, tokenMlpLayer);
    }

    /**
     * @param v the channel MLP
     * @return a copy of this family with that MLP
     */
    public MixerFamily withMlpLayer(MlpLayer v) {
        return new MixerFamily(name, blockLayer, normLayer, v, actLayer, mlpRatio, tokenMlpLayer);
    }

    /**
     * @param v the MLPs' activation
     * @return a copy of this family with that activation
     */
    public MixerFamily withActLayer(BaseActivation v) {
        return new MixerFamily(name, blockLayer, normLayer, mlpLayer, v, mlpRatio, tokenMlpLayer);
    }

    /**
     * @param v the default MLP ratios
     * @return a copy of this family with those defaults
     */
    public MixerFamily withMlpRatio(double... v) {
        return new MixerFamily(name, blockLayer, normLayer, mlpLayer, actLayer, v, tokenMlpLayer);
    }

    @Override
    public String toString() {
        return name + "(mlp_ratio=" + Arrays.toString(mlpRatio) + ", act=" + actLayer.id() + ")";
    }
}
