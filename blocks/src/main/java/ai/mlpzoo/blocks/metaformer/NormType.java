package ai.mlpzoo.blocks.metaformer;

import java.util.Locale;

/**
 * The norms of timm's MetaFormer on (batch, C, H, W) maps, by the snake_case name a config gives
 * them. The eps are timm's: {@code GroupNorm1} keeps PyTorch's GroupNorm default 1e-5, the {@code
 * NoBias} variants and {@code LayerNorm2d} use 1e-6.
 */
public enum NormType {
    /** timm's {@code GroupNorm1}: one group, statistics over (C, H, W), weight and bias. */
    GROUP_NORM1(true, 1e-5, true),
    /** timm's {@code GroupNorm1NoBias} (PoolFormer v2): as GROUP_NORM1, weight only, eps 1e-6. */
    GROUP_NORM1_NO_BIAS(true, 1e-6, false),
    /** timm's {@code LayerNorm2d}: statistics over C per pixel, weight and bias, eps 1e-6. */
    LAYER_NORM2D(false, 1e-6, true),
    /** timm's {@code LayerNorm2dNoBias}: as LAYER_NORM2D, weight only. */
    LAYER_NORM2D_NO_BIAS(false, 1e-6, false);

    private final boolean wholeSample;
    private final double eps;
    private final boolean bias;

    NormType(boolean wholeSample, double eps, boolean bias) {
        this.wholeSample = wholeSample;
        this.eps = eps;
        this.bias = bias;
    }

    /**
     * @return true for statistics over (C, H, W) per sample, false for over C per pixel
     */
    public boolean wholeSample() {
        return wholeSample;
    }

    /**
     * @return the epsilon added to the variance
     */
    public double eps() {
        return eps;
    }

    /**
     * @return whether the norm has a bias (it always has a weight)
     */
    public boolean hasBias() {
        return bias;
    }

    /**
     * @return the config name, e.g. {@code group_norm1_no_bias}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Creates the norm for a channel count.
     *
     * @param channels C
     * @return the block
     */
    public ChannelNorm create(int channels) {
        return new ChannelNorm(this, channels);
    }

    /**
     * Parses a config name; timm's class names (GroupNorm1NoBias) are accepted too.
     *
     * @param name the name
     * @param field the config field, for the message
     * @return the type
     * @throws IllegalArgumentException naming the field and the known names
     */
    public static NormType parse(String name, String field) {
        String n = name == null ? "" : name.trim().replaceAll("([a-z0-9])([A-Z])", "$1_$2");
        n = n.toLowerCase(Locale.ROOT).replace("norm_1", "norm1").replace("2_d", "2d");
        for (NormType t : values()) {
            if (t.id().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "field '"
                        + field
                        + "': unknown norm '"
                        + name
                        + "'; known: group_norm1, group_norm1_no_bias, layer_norm2d,"
                        + " layer_norm2d_no_bias");
    }
}
