package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.raftmlp.RaftMlp;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RaftMLP (Tatsunami and Taki 2022) as the reference {@code RaftMLP}'s keyword arguments ({@code
 * okojoalg/raft-mlp libs/models.py}), so that a checkpoint's {@code config.json} (and the
 * repository's {@code configs/settings/*.yaml} model keys) bind directly. The rules live in {@link
 * RaftMlp.Builder}; {@link #validate()} runs them. Only {@code ser_pm} token mixing (the paper's
 * raft mixing) is supported; {@code original_tm} is MLP-Mixer, which {@code mlp_mixer} configs
 * cover.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RaftMlpConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "raft_mlp";

    /** One entry of {@code layers}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Layer {
        @JsonProperty("depth")
        public int depth;

        @JsonProperty("dim")
        public int dim;

        @JsonProperty("patch_size")
        public int patchSize;

        @JsonProperty("raft_size")
        public int raftSize;

        @JsonProperty("embedding_kernels")
        public int[] embeddingKernels;
    }

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("layers")
    public List<Layer> layers;

    @JsonProperty("in_channels")
    public int inChannels = 3;

    @JsonProperty("pretrained_image_size")
    public int pretrainedImageSize = 224;

    @JsonProperty("num_classes")
    public int numClasses = 1000;

    @JsonProperty("token_expansion_factor")
    public int tokenExpansionFactor = 2;

    @JsonProperty("channel_expansion_factor")
    public int channelExpansionFactor = 4;

    @JsonProperty("dropout")
    public double dropout;

    @JsonProperty("token_mixing_type")
    public String tokenMixingType = "ser_pm";

    @JsonProperty("embedding_type")
    public String embeddingType = "emb_mixer";

    @JsonProperty("shortcut")
    public boolean shortcut = true;

    @JsonProperty("drop_path_rate")
    public double dropPathRate;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public RaftMlpConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public RaftMlp toBlock() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        if (!"ser_pm".equals(tokenMixingType)) {
            throw new ConfigException(
                    "field 'token_mixing_type' must be 'ser_pm' (raft mixing), got '"
                            + tokenMixingType
                            + "'; 'original_tm' is MLP-Mixer, an mlp_mixer config");
        }
        boolean cross;
        if ("emb_cross_mlp".equals(embeddingType)) {
            cross = true;
        } else if ("emb_mixer".equals(embeddingType)) {
            cross = false;
        } else {
            throw new ConfigException(
                    "field 'embedding_type' must be 'emb_mixer' or 'emb_cross_mlp', got '"
                            + embeddingType
                            + "'");
        }
        checkFits();
        List<RaftMlp.Level> levels = null;
        if (layers != null) {
            levels = new ArrayList<>();
            for (Layer l : layers) {
                levels.add(
                        l == null
                                ? null
                                : new RaftMlp.Level(
                                        l.depth,
                                        l.dim,
                                        l.patchSize,
                                        l.raftSize,
                                        l.embeddingKernels));
            }
        }
        List<RaftMlp.Level> built = levels;
        return ConfigException.fromBuilder(
                () ->
                        RaftMlp.builder()
                                .setLevels(built)
                                .setImageSize(pretrainedImageSize)
                                .optInChannels(inChannels)
                                .optNumClasses(numClasses)
                                .optTokenExpansionFactor(tokenExpansionFactor)
                                .optChannelExpansionFactor(channelExpansionFactor)
                                .optDropout((float) dropout)
                                .optDropPathRate((float) dropPathRate)
                                .optCrossScaleEmbedding(cross)
                                .optShortcut(shortcut)
                                .build());
    }

    /** Refuses sizes this JVM cannot hold (a lower bound: the channel MLPs alone). */
    private void checkFits() {
        if (layers == null) {
            return;
        }
        double params = 0;
        for (Layer l : layers) {
            if (l != null) {
                params +=
                        Math.max(0, l.depth)
                                * 2.0
                                * l.dim
                                * l.dim
                                * Math.max(0, channelExpansionFactor);
            }
        }
        Configs.checkFits(params, "fields layers, channel_expansion_factor");
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChannels, pretrainedImageSize, pretrainedImageSize);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s(%s, img=%d, levels=%d, shortcut=%s, classes=%d)",
                name == null ? "raft_mlp" : name,
                embeddingType,
                pretrainedImageSize,
                layers == null ? 0 : layers.size(),
                shortcut,
                numClasses);
    }
}
