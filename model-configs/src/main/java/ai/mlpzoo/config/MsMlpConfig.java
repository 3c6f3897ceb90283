package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.msmlp.MsMlp;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;

/**
 * MS-MLP (Zheng et al. 2022) as the reference {@code MS_MLP}'s keyword arguments ({@code
 * JegZheng/MS-MLP models/ms_mlp.py}), so that a checkpoint's {@code config.json} binds directly.
 * The rules live in {@link MsMlp.Builder}; {@link #validate()} runs them. {@code drop_rate} is kept
 * for the reference's sake: its only use is a dropout after the stem while training.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MsMlpConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "ms_mlp";

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
    public int embedDim = 96;

    @JsonProperty("depths")
    public int[] depths = {2, 2, 6, 2};

    @JsonProperty("shift_size")
    public int shiftSize = 5;

    @JsonProperty("shift_dist")
    public int[] shiftDist = {-2, -1, 0, 1, 2};

    @JsonProperty("mix_size")
    public int[][] mixSize = {{1, 1, 3, 5, 7}, {1, 1, 3, 5, 5}, {1, 1, 3, 3, 3}, {1, 1, 1, 1, 3}};

    @JsonProperty("mlp_ratio")
    public double mlpRatio = 4.0;

    @JsonProperty("drop_rate")
    public double dropRate;

    @JsonProperty("drop_path_rate")
    public double dropPathRate = 0.1;

    @JsonProperty("patch_norm")
    public boolean patchNorm = true;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public MsMlpConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public MsMlp toBlock() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        ConfigException.fromBuilder(
                () -> ai.mlpzoo.blocks.common.Checks.probability(dropRate, "drop_rate"));
        checkFits();
        return ConfigException.fromBuilder(
                () ->
                        MsMlp.builder()
                                .setImageSize(imgSize)
                                .setPatchSize(patchSize)
                                .setEmbedDim(embedDim)
                                .setDepths(depths)
                                .optShiftSize(shiftSize)
                                .optShiftDist(shiftDist)
                                .optMixSize(mixSize)
                                .optMlpRatio(mlpRatio)
                                .optInChannels(inChans)
                                .optNumClasses(numClasses)
                                .optDropPathRate((float) dropPathRate)
                                .optPatchNorm(patchNorm)
                                .build());
    }

    /** Refuses sizes this JVM cannot hold (a lower bound: the channel MLPs alone). */
    private void checkFits() {
        if (depths == null || embedDim <= 0 || !(mlpRatio > 0)) {
            return; // the builder names the field
        }
        double params = 0;
        for (int s = 0; s < depths.length; s++) {
            double dim = embedDim * Math.pow(2, s);
            params += Math.max(0, depths[s]) * 2 * dim * dim * mlpRatio;
        }
        Configs.checkFits(
                params,
                String.format(
                        Locale.ROOT,
                        "fields embed_dim=%d, depths=%s, mlp_ratio=%s",
                        embedDim,
                        Arrays.toString(depths),
                        mlpRatio));
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s(img=%d, patch=%d, dim=%d, depths=%s, classes=%d)",
                name == null ? "ms_mlp" : name,
                imgSize,
                patchSize,
                embedDim,
                Arrays.toString(depths),
                numClasses);
    }
}
