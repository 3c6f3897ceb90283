package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.activator.Activator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Activator (Abdullah and Aydin 2024, arXiv:2405.15953) as the keyword arguments of the reference's
 * {@code ACTIVATORImageClassification} ({@code Abdullah-88/Activator train.py}), under their names
 * and with their defaults (the paper's CIFAR-10 model), so that a reference checkpoint's {@code
 * config.json} binds as it is. {@code image_size}, which the reference takes and ignores, sizes the
 * input here. The rules live in {@link Activator}'s constructor.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ActivatorConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "activator";

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

    @JsonProperty("num_layers")
    public int numLayers = 4;

    /** Dropout inside the ffn while training (the reference's default 0.5). */
    @JsonProperty("dropout")
    public double dropout = 0.5;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public ActivatorConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public Activator toBlock() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        Configs.checkFits(footprint());
        return ConfigException.fromBuilder(
                () ->
                        new Activator(
                                imageSize,
                                patchSize,
                                inChannels,
                                numClasses,
                                dModel,
                                dFfn,
                                numLayers,
                                (float) dropout));
    }

    /**
     * The estimate per block: the gating unit's three projections (3·d_model·d_ffn) and the ffn
     * (2·d_model·d_ffn); per sample the tokens and the hidden activations of each block.
     *
     * @return the estimate, naming the field that dominates it
     */
    @Override
    public Footprint footprint() {
        if (dModel <= 0 || dFfn <= 0 || numLayers <= 0 || imageSize <= 0 || patchSize <= 0) {
            return Footprint.UNKNOWN; // the block names the field
        }
        double d = dModel;
        double f = dFfn;
        double side = Math.floor((double) imageSize / patchSize);
        double n = side * side;
        double perBlock = 5 * d * f;
        double params = numLayers * perBlock + d * Math.max(0, numClasses);
        double activations = numLayers * n * (4 * d + 5 * f);
        String reduce = f >= d ? "d_ffn (" + dFfn + ")" : "d_model (" + dModel + ")";
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
                        "fields d_model=%d, d_ffn=%d, num_layers=%d, image_size=%d",
                        dModel,
                        dFfn,
                        numLayers,
                        imageSize));
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
