package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.mixer.LayerFactory;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import ai.mlpzoo.blocks.mixer.Norms;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Locale;

/**
 * The architecture of an MLP-Mixer-style model, as timm's {@code MlpMixer} arguments (snake_case
 * JSON, the names of timm's {@code model_args}). Weight metadata (class names, normalisation) is
 * kept apart, in the model directory.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MixerConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "mlp_mixer";

    /** The block types, which select the family. */
    public enum BlockType {
        /** MLP-Mixer's MixerBlock. */
        MIXER,
        /** ResMLP's ResBlock with Affine norms. */
        RESMLP,
        /** gMLP's SpatialGatingBlock. */
        GMLP;

        static BlockType parse(String s) {
            for (BlockType t : values()) {
                if (t.name().equalsIgnoreCase(s)) {
                    return t;
                }
            }
            throw new ConfigException(
                    "unknown block type '"
                            + s
                            + "' in field 'block': expected one of mixer, resmlp, gmlp");
        }
    }

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    /** mixer, resmlp or gmlp. */
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

    /** (token, channel) ratios for mixer; one channel ratio for resmlp and gmlp. */
    @JsonProperty("mlp_ratio")
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    public double[] mlpRatio;

    @JsonProperty("num_classes")
    public int numClasses = 1000;

    /** ResMLP layer-scale initial value. */
    @JsonProperty("init_values")
    public Double initValues;

    @JsonProperty("drop_rate")
    public double dropRate;

    @JsonProperty("proj_drop_rate")
    public double projDropRate;

    @JsonProperty("drop_path_rate")
    public double dropPathRate;

    /** @return the block type, validated */
    public BlockType blockType() {
        if (block == null) {
            throw new ConfigException("field 'block' is missing: expected one of mixer, resmlp, gmlp");
        }
        return BlockType.parse(block);
    }

    /**
     * Checks every field; the message of the first failure names the field.
     *
     * @return this
     * @throws ConfigException when a value is impossible
     */
    @Override
    public MixerConfig validate() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        BlockType type = blockType();
        positive(imgSize, "img_size");
        positive(inChans, "in_chans");
        positive(patchSize, "patch_size");
        positive(numBlocks, "num_blocks");
        positive(embedDim, "embed_dim");
        positive(numClasses, "num_classes");
        if (imgSize % patchSize != 0) {
            throw new ConfigException(
                    "field 'patch_size' ("
                            + patchSize
                            + ") does not divide field 'img_size' ("
                            + imgSize
                            + ")");
        }
        double[] ratios = ratios(type);
        for (double r : ratios) {
            if (!(r > 0) || Double.isInfinite(r)) {
                throw new ConfigException(
                        "field 'mlp_ratio' must hold positive numbers, got " + Arrays.toString(ratios));
            }
        }
        int expected = type == BlockType.MIXER ? 2 : 1;
        if (mlpRatio != null && mlpRatio.length != expected) {
            throw new ConfigException(
                    "field 'mlp_ratio' must hold "
                            + expected
                            + " number(s) for block "
                            + block
                            + ", got "
                            + Arrays.toString(mlpRatio));
        }
        if (type == BlockType.GMLP && ((int) (ratios[0] * embedDim)) % 2 != 0) {
            throw new ConfigException(
                    "field 'mlp_ratio' times 'embed_dim' must be even for gmlp (the gate halves it)");
        }
        unit(dropRate, "drop_rate");
        unit(projDropRate, "proj_drop_rate");
        unit(dropPathRate, "drop_path_rate");
        if (initValues != null && !(initValues > 0)) {
            throw new ConfigException("field 'init_values' must be positive, got " + initValues);
        }
        return this;
    }

    private double[] ratios(BlockType type) {
        if (mlpRatio != null) {
            return mlpRatio;
        }
        switch (type) {
            case MIXER:
                return new double[] {0.5, 4.0};
            case RESMLP:
                return new double[] {4.0};
            default:
                return new double[] {6.0};
        }
    }

    /** @return the number of tokens (patches) per image */
    public int numTokens() {
        int side = imgSize / patchSize;
        return side * side;
    }

    /**
     * Builds the model block, with timm's initialisers attached (not yet initialised).
     *
     * @return the block
     */
    @Override
    public MlpMixer toBlock() {
        validate();
        BlockType type = blockType();
        double[] r = ratios(type);
        float drop = (float) projDropRate;
        float dropPath = (float) dropPathRate;
        MlpMixer.Builder b =
                MlpMixer.builder()
                        .setImageSize(imgSize)
                        .setPatchSize(patchSize)
                        .setEmbedDim(embedDim)
                        .setNumBlocks(numBlocks)
                        .optInChannels(inChans)
                        .optNumClasses(numClasses)
                        .optDropRate((float) dropRate);
        switch (type) {
            case MIXER:
                b.setLayer(LayerFactory.mixer(r[0], r[1], drop, dropPath));
                break;
            case RESMLP:
                b.setLayer(
                        LayerFactory.resmlp(
                                r[0], initValues == null ? 1e-4 : initValues, drop, dropPath));
                b.optNorm(Norms.affineFactory());
                break;
            default:
                b.setLayer(LayerFactory.gmlp(r[0], drop, dropPath));
                break;
        }
        return b.build();
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    private static void positive(int value, String field) {
        if (value <= 0) {
            throw new ConfigException("field '" + field + "' must be positive, got " + value);
        }
    }

    private static void unit(double value, String field) {
        if (!(value >= 0 && value < 1)) {
            throw new ConfigException("field '" + field + "' must be in [0, 1), got " + value);
        }
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s(block=%s, img=%d, in=%d, patch=%d, blocks=%d, dim=%d, classes=%d)",
                name,
                block,
                imgSize,
                inChans,
                patchSize,
                numBlocks,
                embedDim,
                numClasses);
    }
}
