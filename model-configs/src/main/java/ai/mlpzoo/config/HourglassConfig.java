package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.hourglass.HourglassMlp;
import ai.mlpzoo.blocks.hourglass.ResidualMlpBlock;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Hourglass MLP (Chen, Lee, Liao and Shiu 2025, "Rethinking the shape convention of an MLP",
 * arXiv:2510.01796) and its conventional counterpart, with fields named after the paper's notation:
 * {@code d_x} (input), {@code d_z} (the skip connections' width), {@code d_h} (each block's hidden
 * width), {@code L} (blocks), {@code d_y} (output). {@code block_shape} "hourglass" needs d_h &lt;
 * d_z (wide-narrow-wide), "conventional" d_h &gt; d_z (narrow-wide-narrow). The paper has no code
 * and so no reference checkpoint format; the choices it leaves open are the fields {@code norm},
 * {@code activation}, {@code projection_seed} and are listed in docs/vision.md.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HourglassConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "hourglass";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    /** The variant's name. */
    @JsonProperty("name")
    public String name;

    /** The input width (784 for flat 28x28 pixels). */
    @JsonProperty("d_x")
    public int dx;

    /** The width of the residual stream, where the skip connections live. */
    @JsonProperty("d_z")
    public int dz;

    /** Each block's hidden width: the bottleneck (hourglass) or the expansion (conventional). */
    @JsonProperty("d_h")
    public int dh;

    /** The number of blocks. */
    @JsonProperty("L")
    public int depth;

    /** The output width (classes). */
    @JsonProperty("d_y")
    public int dy;

    /** "hourglass" (wide-narrow-wide, the default) or "conventional" (narrow-wide-narrow). */
    @JsonProperty("block_shape")
    public String blockShape = "hourglass";

    /**
     * "fixed" (a random W_in never trained, the paper's proposal and the hourglass default),
     * "learned", or "none" (the stream starts at the input, d_z = d_x; the conventional default).
     */
    @JsonProperty("input_projection")
    public String inputProjection;

    /** The seed of the random W_in (drawn in Java, the same on every machine). */
    @JsonProperty("projection_seed")
    public long projectionSeed;

    /** "layer" (pre-norm LayerNorm in every block and before the head, the default) or "none". */
    @JsonProperty("norm")
    public String norm = "layer";

    /** The blocks' non-linearity σ: "gelu" (the default) or "relu". */
    @JsonProperty("activation")
    public String activation = "gelu";

    /** The image each flat input was, [C, H, W]; optional, for translators and docs. */
    @JsonProperty("input_size")
    public int[] inputSize;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public HourglassConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public HourglassMlp toBlock() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        HourglassMlp.BlockShape shape = shape();
        HourglassMlp.InputProjection projection = projection(shape);
        boolean layerNorm = layerNorm();
        ResidualMlpBlock.Act act = act();
        if (inputSize != null) {
            long size = 1;
            for (int d : inputSize) {
                size *= d;
            }
            if (inputSize.length != 3 || size != dx) {
                throw new ConfigException(
                        "field 'input_size' must be [C, H, W] with C*H*W = d_x ("
                                + dx
                                + "), got "
                                + Arrays.toString(inputSize));
            }
        }
        if (dx > 0 && dz > 0 && dh > 0 && dy > 0 && depth > 0) {
            Configs.checkFits(footprint());
        }
        return ConfigException.fromBuilder(
                () ->
                        new HourglassMlp(
                                dx,
                                dz,
                                dh,
                                depth,
                                dy,
                                shape,
                                projection,
                                projectionSeed,
                                layerNorm,
                                act));
    }

    /**
     * The parameters the optimiser trains: per block a LayerNorm (2 d_z), fc1 (d_z d_h + d_h) and
     * fc2 (d_h d_z + d_z); the head's LayerNorm (2 d_z) and Linear (d_z d_y + d_y); and W_in (d_z
     * d_x) when it is learned.
     *
     * @return the count
     */
    @JsonIgnore
    public long trainableParameters() {
        long z = dz;
        long h = dh;
        long n = layerNorm() ? 2 * z : 0;
        long perBlock = n + z * h + h + h * z + z;
        long head = n + z * dy + dy;
        long projection = "learned".equals(projectionLabel()) ? z * dx : 0;
        return depth * perBlock + head + projection;
    }

    /**
     * Every parameter the model holds, the fixed W_in (d_z d_x, saved with the weights but never
     * trained) included.
     *
     * @return the count
     */
    @JsonIgnore
    public long totalParameters() {
        long fixed = "fixed".equals(projectionLabel()) ? (long) dz * dx : 0;
        return trainableParameters() + fixed;
    }

    private String projectionLabel() {
        return projection(shape()).label();
    }

    private HourglassMlp.BlockShape shape() {
        String s = blockShape == null ? "" : blockShape.toLowerCase(Locale.ROOT);
        switch (s) {
            case "hourglass":
                return HourglassMlp.BlockShape.HOURGLASS;
            case "conventional":
                return HourglassMlp.BlockShape.CONVENTIONAL;
            default:
                throw new ConfigException(
                        "field 'block_shape' must be \"hourglass\" (wide-narrow-wide) or"
                                + " \"conventional\" (narrow-wide-narrow), got "
                                + quoted(blockShape));
        }
    }

    private HourglassMlp.InputProjection projection(HourglassMlp.BlockShape shape) {
        if (inputProjection == null) {
            return shape == HourglassMlp.BlockShape.HOURGLASS
                    ? HourglassMlp.InputProjection.FIXED
                    : HourglassMlp.InputProjection.NONE;
        }
        switch (inputProjection.toLowerCase(Locale.ROOT)) {
            case "fixed":
                return HourglassMlp.InputProjection.FIXED;
            case "learned":
                return HourglassMlp.InputProjection.LEARNED;
            case "none":
                return HourglassMlp.InputProjection.NONE;
            default:
                throw new ConfigException(
                        "field 'input_projection' must be \"fixed\", \"learned\" or \"none\", got "
                                + quoted(inputProjection));
        }
    }

    private boolean layerNorm() {
        String n = norm == null ? "" : norm.toLowerCase(Locale.ROOT);
        switch (n) {
            case "layer":
                return true;
            case "none":
                return false;
            default:
                throw new ConfigException(
                        "field 'norm' must be \"layer\" or \"none\", got " + quoted(norm));
        }
    }

    private ResidualMlpBlock.Act act() {
        String a = activation == null ? "" : activation.toLowerCase(Locale.ROOT);
        switch (a) {
            case "gelu":
                return ResidualMlpBlock.Act.GELU;
            case "relu":
                return ResidualMlpBlock.Act.RELU;
            default:
                throw new ConfigException(
                        "field 'activation' must be \"gelu\" or \"relu\", got "
                                + quoted(activation));
        }
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /**
     * The estimate of this architecture's size: the parameters of {@link #totalParameters()} less
     * the biases and norms, computed in doubles (no overflow), and per sample the stream and hidden
     * activations of every block.
     *
     * @return the estimate, naming the field that dominates it
     */
    @Override
    public Footprint footprint() {
        double z = Math.max(0, dz);
        double h = Math.max(0, dh);
        double l = Math.max(0, depth);
        double blocks = l * 2 * z * h;
        boolean none =
                inputProjection == null
                        ? "conventional".equalsIgnoreCase(blockShape)
                        : "none".equalsIgnoreCase(inputProjection);
        double projection = none ? 0 : z * Math.max(0, dx);
        double head = z * Math.max(0, dy);
        double params = blocks + projection + head;
        double activations = Math.max(0, dx) + l * (3 * z + 2 * h) + Math.max(0, dy);
        String reduce;
        if (projection >= blocks && projection >= head) {
            reduce = "d_z (" + dz + ")";
        } else if (head > blocks) {
            reduce = "d_y (" + dy + ")";
        } else if (l > 10_000) {
            reduce = "L (" + depth + ")";
        } else {
            reduce = h > z ? "d_h (" + dh + ")" : "d_z (" + dz + ") or d_h (" + dh + ")";
        }
        return new Footprint(
                params,
                activations,
                l + 2,
                reduce,
                String.format(
                        Locale.ROOT,
                        "fields d_x=%d, d_z=%d, d_h=%d, L=%d, d_y=%d",
                        dx,
                        dz,
                        dh,
                        depth,
                        dy));
    }

    @Override
    public String fieldsSizing(String parameter) {
        if (parameter.startsWith("input_projection")) {
            return "d_z and d_x";
        }
        if (parameter.startsWith("head.fc")) {
            return "d_z and d_y";
        }
        return "d_z and d_h";
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, dx);
    }

    @Override
    public String toString() {
        return "hourglass("
                + (name == null ? "" : name + ", ")
                + blockShape
                + ", d_z="
                + dz
                + ", d_h="
                + dh
                + ", L="
                + depth
                + ")";
    }
}
