package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.ninformer.NiNformer;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * NiNformer (Abdullah and Aydin 2024, arXiv:2403.02411) as the keyword arguments of the reference's
 * {@code NiNformerImageClassification} ({@code Abdullah-88/NiNformer train.py}), under their names
 * and with their defaults (the paper's CIFAR-10 model), so that a reference checkpoint's {@code
 * config.json} binds as it is. The rules live in {@link NiNformer}'s constructor; {@link
 * #validate()} runs them after bounding the size.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NinformerConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "ninformer";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("image_size")
    public int imageSize = 32;

    @JsonProperty("patch_size")
    public int patchSize = 4;

    @JsonProperty("in_channels")
    public int inChannels = 3;

    @JsonProperty("num_classes")
    public int numClasses = 10;

    @JsonProperty("d_model")
    public int dModel = 256;

    @JsonProperty("d_ffn")
    public int dFfn = 512;

    /** The number of patches, (image_size / patch_size)²; the token MLP is sized by it. */
    @JsonProperty("seq_len")
    public int seqLen = 64;

    @JsonProperty("num_layers")
    public int numLayers = 4;

    /** Dropout inside every MLP while training (the reference's default 0.5). */
    @JsonProperty("dropout")
    public double dropout = 0.5;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public NinformerConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public NiNformer toBlock() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        Configs.checkFits(footprint());
        return ConfigException.fromBuilder(
                () ->
                        new NiNformer(
                                imageSize,
                                patchSize,
                                inChannels,
                                numClasses,
                                dModel,
                                dFfn,
                                seqLen,
                                numLayers,
                                (float) dropout));
    }

    /**
     * The estimate per block: the gate's projection (d_model²), the Mixer's token MLP (2·seq_len·
     * d_ffn) and channel MLP (2·d_model·d_ffn), the ffn (2·d_model·d_ffn); per sample the tokens
     * and the hidden activations of each block.
     *
     * @return the estimate, naming the field that dominates it
     */
    @Override
    public Footprint footprint() {
        if (dModel <= 0 || dFfn <= 0 || seqLen <= 0 || numLayers <= 0) {
            return Footprint.UNKNOWN; // the block names the field
        }
        double d = dModel;
        double f = dFfn;
        double n = seqLen;
        double perBlock = d * d + 2 * n * f + 4 * d * f;
        double params = numLayers * perBlock + d * Math.max(0, numClasses);
        double activations = numLayers * n * (6 * d + 3 * f) + d * f;
        String reduce = f >= d ? "d_ffn (" + dFfn + ")" : "d_model (" + dModel + ")";
        if (2 * n * f > d * d + 4 * d * f) {
            // the token MLP dominates: fewer patches (a larger patch_size) shrink it
            reduce = "seq_len (" + seqLen + "), i.e. raise patch_size";
        }
        if (numLayers > perBlock) {
            reduce = "num_layers (" + numLayers + ")";
        }
        return new Footprint(
                params,
                activations,
                numLayers,
                reduce,
                String.format(
                        Locale.ROOT,
                        "fields d_model=%d, d_ffn=%d, seq_len=%d, num_layers=%d",
                        dModel,
                        dFfn,
                        seqLen,
                        numLayers));
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChannels, imageSize, imageSize);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s(img=%d, patch=%d, d_model=%d, d_ffn=%d, layers=%d, classes=%d)",
                name == null ? MODEL_TYPE : name,
                imageSize,
                patchSize,
                dModel,
                dFfn,
                numLayers,
                numClasses);
    }
}
