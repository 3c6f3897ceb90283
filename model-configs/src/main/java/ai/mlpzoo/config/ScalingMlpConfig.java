package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.scalingmlp.BottleneckMlp;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Scaling MLPs' residual bottleneck MLP (Bachmann et al. 2023, arXiv:2306.13575) as the reference
 * {@code BottleneckMLP(dim_in, dim_out, block_dims, norm)} constructor's keyword arguments, under
 * their names, so that a reference checkpoint's {@code config.json} binds as it is. The paper's
 * {@code B_{depth}-Wi_{thin}} models have depth blocks of {@code [4·thin, thin]}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingMlpConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "scaling_mlp";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    /**
     * The reference's {@code name} (the architecture string, e.g. B_12-Wi_1024), or a variant's.
     */
    @JsonProperty("name")
    public String name;

    @JsonProperty("dim_in")
    public int dimIn;

    @JsonProperty("dim_out")
    public int dimOut;

    /** {@code [wide, thin]} per block. */
    @JsonProperty("block_dims")
    public int[][] blockDims;

    /** "layer" (nn.LayerNorm, the paper's) or "none". */
    @JsonProperty("norm")
    public String norm = "layer";

    /** The image each flat input was, [C, H, W]; optional, for translators and docs. */
    @JsonProperty("input_size")
    public int[] inputSize;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public ScalingMlpConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public BottleneckMlp toBlock() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        BottleneckMlp.Norm n = parseNorm(norm);
        if (inputSize != null) {
            long size = 1;
            for (int d : inputSize) {
                size *= d;
            }
            if (inputSize.length != 3 || size != dimIn) {
                throw new ConfigException(
                        "field 'input_size' must be [C, H, W] with C*H*W = dim_in ("
                                + dimIn
                                + "), got "
                                + java.util.Arrays.toString(inputSize));
            }
        }
        // the constructor only checks the dimensions (no weights yet), so the size check follows
        BottleneckMlp block =
                ConfigException.fromBuilder(() -> new BottleneckMlp(dimIn, dimOut, blockDims, n));
        double params = (double) dimIn * block.thin() + (double) block.thin() * dimOut;
        for (int[] d : blockDims) {
            params += 2.0 * d[0] * d[1];
        }
        Configs.checkFits(params, "dim_in " + dimIn + ", block_dims");
        return block;
    }

    private static BottleneckMlp.Norm parseNorm(String norm) {
        String n = norm == null ? "" : norm.toLowerCase(Locale.ROOT);
        switch (n) {
            case "layer":
                return BottleneckMlp.Norm.LAYER;
            case "none":
                return BottleneckMlp.Norm.NONE;
            case "batch":
                throw new ConfigException(
                        "field 'norm': \"batch\" (BatchNorm1d) is not supported yet; use \"layer\""
                                + " (the paper's) or \"none\"");
            default:
                throw new ConfigException(
                        "field 'norm' must be \"layer\" or \"none\", got "
                                + (norm == null ? "null" : "\"" + norm + "\""));
        }
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, dimIn);
    }

    @Override
    public String toString() {
        return "scaling_mlp("
                + (name == null ? "" : name + ", ")
                + "dim_in="
                + dimIn
                + ", blocks="
                + (blockDims == null ? 0 : blockDims.length)
                + ")";
    }
}
