package ai.mlpzoo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The retired {@code "model_type": "kan_mixer"} form of a KAN-Mixer, read so that existing
 * architecture.json files keep loading. It becomes an {@code mlp_mixer} config with {@code "block":
 * "mixer"} and {@code "mlp_layer": "kat"}: the same block, child for child, so parameter files
 * saved from it load unchanged; configs are written in the new form only. The defaults are the
 * retired form's own (Fashion-MNIST sized), not the Mixer config's.
 */
final class LegacyKanMixer {

    /** The retired {@code model_type}. */
    static final String MODEL_TYPE = "kan_mixer";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("img_size")
    public int imgSize = 28;

    @JsonProperty("in_chans")
    public int inChans = 1;

    @JsonProperty("patch_size")
    public int patchSize = 4;

    @JsonProperty("num_blocks")
    public int numBlocks = 8;

    @JsonProperty("embed_dim")
    public int embedDim = 128;

    @JsonProperty("mlp_ratio")
    public double[] mlpRatio = {0.5, 4.0};

    @JsonProperty("num_classes")
    public int numClasses = 10;

    @JsonProperty("num_groups")
    public int numGroups = 8;

    @JsonProperty("act_init")
    public String actInit = "gelu";

    @JsonProperty("drop_rate")
    public double dropRate;

    @JsonProperty("proj_drop_rate")
    public double projDropRate;

    @JsonProperty("drop_path_rate")
    public double dropPathRate;

    /**
     * Reads the retired form and gives the config that replaces it.
     *
     * @param tree the JSON object, {@code model_type} kan_mixer
     * @param source where it came from, for messages
     * @return the validated Mixer config
     */
    static MixerConfig read(JsonNode tree, String source) {
        return Configs.validate(Configs.map(tree, LegacyKanMixer.class, source).upgrade(), source);
    }

    /**
     * @return the same architecture as an {@code mlp_mixer} config
     */
    MixerConfig upgrade() {
        MixerConfig c = new MixerConfig();
        c.name = name;
        c.block = "mixer";
        c.imgSize = imgSize;
        c.inChans = inChans;
        c.patchSize = patchSize;
        c.numBlocks = numBlocks;
        c.embedDim = embedDim;
        c.mlpRatio = mlpRatio;
        c.mlpLayer = MixerConfig.KAT;
        c.numGroups = numGroups;
        c.actInit = actInit;
        c.numClasses = numClasses;
        c.dropRate = dropRate;
        c.projDropRate = projDropRate;
        c.dropPathRate = dropPathRate;
        return c;
    }
}
