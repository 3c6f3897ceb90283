package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.kan.RationalInit;
import ai.mlpzoo.blocks.mixer.MixerFamily;
import ai.mlpzoo.blocks.mixer.MlpLayer;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * The architecture of an MLP-Mixer-style model, as timm's {@code MlpMixer} arguments (snake_case
 * JSON, the names of timm's {@code model_args}). {@code block} picks the family from {@link
 * Families} (layer, norms, MLP and activation together); {@code mlp_layer} may replace the family's
 * channel MLP, e.g. {@code "kat"} (KAT's group-rational MLP, with {@code num_groups} and {@code
 * act_init}) for a KAN-Mixer. The rules on the values live in {@link MlpMixer.Builder} and the
 * layers; {@link #validate()} runs them, so each rule and its message exist once. Weight metadata
 * (class names, normalisation) is kept apart, in the model directory.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MixerConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "mlp_mixer";

    /** The {@code mlp_layer} of a KAN-Mixer: KAT's group-rational MLP. */
    public static final String KAT = "kat";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    /** The family: mixer, resmlp or gmlp (see {@link Families#visions()}). */
    @JsonProperty("block")
    public String block;

    @JsonProperty("img_size")
    public int imgSize = 224;

    @JsonProperty("in_chans")
    public int inChans = 3;

    @JsonProperty("patch_size")
    public int patchSize = 16;

    @JsonProperty("num_blocks")
    public int numBlocks = 8;

    @JsonProperty("embed_dim")
    public int embedDim = 512;

    /**
     * (token, channel) ratios for mixer; one channel ratio for resmlp and gmlp; null: the family's.
     */
    @JsonProperty("mlp_ratio")
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    public double[] mlpRatio;

    /** The channel MLP: null for the family's own; {@code kat} for KAT's group-rational MLP. */
    @JsonProperty("mlp_layer")
    public String mlpLayer;

    /** Rational groups of a {@code kat} MLP (KAT: 8). */
    @JsonProperty("num_groups")
    public Integer numGroups;

    /** The second rational's initial function of a {@code kat} MLP (KAT: gelu). */
    @JsonProperty("act_init")
    public String actInit;

    @JsonProperty("num_classes")
    public int numClasses = 1000;

    /** ResMLP layer-scale initial value; null: timm's 1e-4. */
    @JsonProperty("init_values")
    public Double initValues;

    @JsonProperty("drop_rate")
    public double dropRate;

    @JsonProperty("proj_drop_rate")
    public double projDropRate;

    @JsonProperty("drop_path_rate")
    public double dropPathRate;

    /**
     * @return the registered family of {@code block}
     * @throws ConfigException when the field is missing or unknown
     */
    public Families.Vision family() {
        return Families.vision(block);
    }

    /**
     * @return whether the channel MLPs are KAT's group-rational ones (a KAN-Mixer)
     */
    @JsonIgnore
    public boolean isKanMixer() {
        return KAT.equals(mlpLayer);
    }

    /**
     * Checks every field by building the block (the builder and the layers hold the rules); the
     * message of the first failure names the field.
     *
     * @return this
     * @throws ConfigException when a value is impossible
     */
    @Override
    public MixerConfig validate() {
        toBlock();
        return this;
    }

    /**
     * Builds the model block, with timm's initialisers attached (not yet initialised).
     *
     * @return the block
     * @throws ConfigException naming the first bad field
     */
    @Override
    public MlpMixer toBlock() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        checkFits();
        Families.Vision vision = family();
        MixerFamily family = vision.blocks().withMlpLayer(mlpLayer(vision));
        MlpMixer.Builder b =
                MlpMixer.builder()
                        .setFamily(family)
                        .setImageSize(imgSize)
                        .setPatchSize(patchSize)
                        .setEmbedDim(embedDim)
                        .setNumBlocks(numBlocks)
                        .optInChannels(inChans)
                        .optNumClasses(numClasses)
                        .optMlpRatio(mlpRatio)
                        .optDropRate((float) dropRate)
                        .optProjDropRate((float) projDropRate)
                        .optDropPathRate((float) dropPathRate);
        if (initValues != null) {
            b.optInitValues(initValues);
        }
        return ConfigException.fromBuilder(b::build);
    }

    /**
     * Refuses sizes this machine cannot hold, before anything is built (see {@link
     * Configs#checkFits}).
     */
    private void checkFits() {
        if (patchSize <= 0 || imgSize <= 0 || block == null) {
            return; // the builder and the family lookup name the field
        }
        Configs.checkFits(footprint());
    }

    /**
     * The estimate of this architecture's size: per block a token mixer (a token MLP of width
     * {@code mlp_ratio[0] * embed_dim} for Mixer, a tokens-by-tokens matrix for ResMLP and gMLP), a
     * channel MLP of at least 1.5 x embed_dim x hidden (the gated MLP's; plain MLPs have 2x) and
     * two norms, plus the stem and the head; the activations a forward with gradients keeps per
     * sample, as counted for the Fashion-MNIST Mixer (about four embeddings and two hidden widths
     * per token and block).
     *
     * @return the estimate, naming the field that dominates it
     */
    @Override
    public Footprint footprint() {
        double side = Math.max(0, imgSize / Math.max(1, patchSize));
        double tokens = side * side;
        double dim = Math.max(0, embedDim);
        double blocks = Math.max(0, numBlocks);
        double[] ratios = mlpRatio;
        if (ratios == null || ratios.length == 0) {
            ratios = Families.vision(block).blocks().mlpRatio();
        }
        double hidden = Math.max(0, ratios[ratios.length - 1]) * dim;
        double tokenMixer =
                ratios.length == 2 ? 2 * tokens * Math.max(0, ratios[0]) * dim : tokens * tokens;
        double channelMlp = 1.5 * dim * hidden;
        double perBlock = tokenMixer + channelMlp + 2 * dim;
        double stem = (double) Math.max(0, inChans) * patchSize * patchSize * dim;
        double head = dim * Math.max(0, numClasses);
        double params = blocks * perBlock + stem + head;
        double activations =
                blocks * tokens * (4 * dim + 2 * hidden) + (double) inChans * imgSize * imgSize;
        String reduce;
        if (head >= blocks * perBlock && head >= stem) {
            reduce = "num_classes";
        } else if (stem > blocks * perBlock) {
            reduce = "patch_size or embed_dim";
        } else if (numBlocks > 1000) {
            reduce = "num_blocks"; // published models have at most a few dozen
        } else if (channelMlp >= tokenMixer) {
            reduce = "embed_dim (or mlp_ratio)";
        } else {
            reduce = "img_size (or raise patch_size: fewer tokens)";
        }
        return new Footprint(
                params,
                activations,
                blocks,
                reduce,
                String.format(
                        Locale.ROOT,
                        "fields num_blocks=%d, embed_dim=%d, img_size=%d, patch_size=%d,"
                                + " num_classes=%d",
                        numBlocks,
                        embedDim,
                        imgSize,
                        patchSize,
                        numClasses));
    }

    /** The head is sized by the classes, the stem by the patches, the rest by the widths. */
    @Override
    public String fieldsSizing(String parameter) {
        if (parameter.contains("head")) {
            return "num_classes (or embed_dim)";
        }
        if (parameter.contains("stem") || parameter.contains("patch")) {
            return "in_chans, patch_size or embed_dim";
        }
        return "embed_dim, mlp_ratio, img_size or patch_size";
    }

    /** The channel MLP that {@code mlp_layer} names, checked against the family's list. */
    private MlpLayer mlpLayer(Families.Vision vision) {
        String layer = mlpLayer == null ? vision.defaultMlpLayer() : mlpLayer;
        if (!vision.mlpLayers().contains(layer)) {
            throw new ConfigException(
                    "field 'mlp_layer' '"
                            + mlpLayer
                            + "' does not fit block "
                            + vision.name()
                            + ": expected one of "
                            + String.join(", ", vision.mlpLayers()));
        }
        if (!KAT.equals(layer)) {
            if (numGroups != null || actInit != null) {
                throw new ConfigException(
                        "fields 'num_groups' and 'act_init' belong to \"mlp_layer\": \"kat\", got mlp_layer "
                                + layer);
            }
            return vision.blocks().mlpLayer();
        }
        RationalInit init = KanConfigs.rationalInit(actInit == null ? "gelu" : actInit, "act_init");
        return ConfigException.fromBuilder(
                () -> MlpLayer.kat(numGroups == null ? 8 : numGroups, init));
    }

    /**
     * @return the number of tokens (patches) per image
     */
    public int numTokens() {
        int side = imgSize / patchSize;
        return side * side;
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s(block=%s%s, img=%d, in=%d, patch=%d, blocks=%d, dim=%d, classes=%d)",
                name,
                block,
                mlpLayer == null ? "" : ", mlp=" + mlpLayer,
                imgSize,
                inChans,
                patchSize,
                numBlocks,
                embedDim,
                numClasses);
    }
}
