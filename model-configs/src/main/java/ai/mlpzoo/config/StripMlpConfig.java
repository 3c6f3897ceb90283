package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.stripmlp.StripMlp;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;

/**
 * Strip-MLP (Cao et al. 2023) as the reference {@code StripMLPNet}'s keyword arguments ({@code
 * Med-Process/Strip_MLP models/strip_mlp.py}), so that a checkpoint's {@code config.json} binds
 * directly. The rules live in {@link StripMlp.Builder}; {@link #validate()} runs them. {@code
 * drop_rate}, {@code use_dropout} and {@code patch_norm} are accepted and, as in the reference,
 * unused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StripMlpConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "strip_mlp";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("img_size")
    public int imgSize = 224;

    @JsonProperty("patch_size")
    public int patchSize = 4;

    @JsonProperty("in_chans")
    public int inChans = 3;

    @JsonProperty("num_classes")
    public int numClasses = 1000;

    @JsonProperty("embed_dim")
    public int embedDim = 80;

    @JsonProperty("layers")
    public int[] layers = {2, 8, 14, 2};

    @JsonProperty("drop_rate")
    public double dropRate = 0.5;

    @JsonProperty("alpha")
    public int alpha = 3;

    @JsonProperty("use_dropout")
    public Boolean useDropout;

    @JsonProperty("patch_norm")
    public Boolean patchNorm;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public StripMlpConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public StripMlp toBlock() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        if (embedDim > 0 && layers != null) {
            double params = 0;
            for (int s = 0; s < Math.min(4, layers.length); s++) {
                double c = embedDim * Math.pow(2, s);
                params += Math.max(0, layers[s]) * 8 * c * c;
            }
            Configs.checkFits(
                    params,
                    String.format(
                            Locale.ROOT,
                            "fields embed_dim=%d, layers=%s",
                            embedDim,
                            Arrays.toString(layers)));
        }
        return ConfigException.fromBuilder(
                () ->
                        StripMlp.builder()
                                .setImageSize(imgSize)
                                .setPatchSize(patchSize)
                                .setEmbedDim(embedDim)
                                .setLayers(layers)
                                .optInChannels(inChans)
                                .optNumClasses(numClasses)
                                .optAlpha(alpha)
                                .build());
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s(img=%d, patch=%d, dim=%d, layers=%s, classes=%d)",
                name == null ? "strip_mlp" : name,
                imgSize,
                patchSize,
                embedDim,
                Arrays.toString(layers),
                numClasses);
    }
}
