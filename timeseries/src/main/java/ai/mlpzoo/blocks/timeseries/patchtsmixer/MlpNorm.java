package ai.mlpzoo.blocks.timeseries.patchtsmixer;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.timeseries.FeatureBatchNorm;
import ai.mlpzoo.blocks.timeseries.TrailingLayerNorm;
import java.util.Locale;

/**
 * PatchTSMixer's {@code norm_mlp}: LayerNorm over d_model, or BatchNorm1d over the d_model features
 * with running statistics (taken over the batch, the channels and the patches). Hugging Face picks
 * the BatchNorm when the value contains "batch" (any case) and a LayerNorm otherwise; here a value
 * that names neither is refused rather than silently read as LayerNorm.
 */
public enum MlpNorm {
    /** {@code nn.LayerNorm(d_model)}, state-dict names {@code norm.norm.{weight,bias}}. */
    LAYER,
    /** {@code BatchNorm1d(d_model)}, state-dict names {@code norm.norm.batchnorm.*}. */
    BATCH;

    /**
     * Parses {@code norm_mlp}.
     *
     * @param name "LayerNorm", "BatchNorm" or any value containing "layer" or "batch"
     * @return the norm
     * @throws IllegalArgumentException naming the field and the values it takes
     */
    public static MlpNorm parse(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (n.contains("batch")) {
            return BATCH;
        }
        if (n.contains("layer")) {
            return LAYER;
        }
        throw new IllegalArgumentException(
                "field 'norm_mlp' must be \"LayerNorm\" or \"BatchNorm\", got "
                        + (name == null ? "null" : "\"" + name + "\""));
    }

    /**
     * @return Hugging Face's spelling
     */
    public String id() {
        return this == LAYER ? "LayerNorm" : "BatchNorm";
    }

    /**
     * The norm block of a mixer.
     *
     * @param dModel d_model
     * @param eps {@code norm_eps}
     * @return the block
     */
    Block create(int dModel, double eps) {
        return this == LAYER
                ? new TrailingLayerNorm(new Shape(dModel), eps)
                : new FeatureBatchNorm(dModel, eps);
    }

    /**
     * @param prefix the norm layer's name ({@code norm} or {@code norm_attn})
     * @return the child name whose parameters carry Hugging Face's state-dict names
     */
    String childName(String prefix) {
        return this == LAYER ? prefix + ".norm" : prefix + ".norm.batchnorm";
    }
}
