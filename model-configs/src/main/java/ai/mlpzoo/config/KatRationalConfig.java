package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.kan.GroupRational;
import ai.mlpzoo.blocks.kan.RationalInit;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * KAT's group-rational activation (GR-KAN) as rational_kat_cu's {@code KAT_Group} arguments. Only
 * order (5, 4) exists in KAT's kernels. {@code dim}, the channel count, is optional: the parameters
 * do not depend on it, and any multiple of {@code num_groups} is accepted at run time.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KatRationalConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "kan_rational";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("num_groups")
    public int numGroups = 8;

    @JsonProperty("order")
    public int[] order = {5, 4};

    @JsonProperty("init_mode")
    public String initMode = "gelu";

    @JsonProperty("dim")
    public Integer dim;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public KatRationalConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public GroupRational toBlock() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        // the JSON-only rules: the block has one order, and dim only sizes the initialisation
        if (order == null || order.length != 2 || order[0] != 5 || order[1] != 4) {
            throw new ConfigException(
                    "field 'order' must be [5, 4] (KAT's only kernel), got "
                            + Arrays.toString(order));
        }
        RationalInit init = KanConfigs.rationalInit(initMode, "init_mode");
        Configs.checkFits(footprint());
        GroupRational block = ConfigException.fromBuilder(() -> new GroupRational(numGroups, init));
        if (dim != null && (dim < 1 || dim % numGroups != 0)) {
            throw new ConfigException(
                    "field 'dim' ("
                            + dim
                            + ") must be a positive multiple of 'num_groups' ("
                            + numGroups
                            + ")");
        }
        return block;
    }

    /**
     * The estimate: 6 numerator and 4 denominator coefficients per group; per sample one value per
     * channel ({@code dim}, or one per group when it is not given) and its rational's powers.
     *
     * @return the estimate, naming num_groups or dim
     */
    @Override
    public Footprint footprint() {
        double groups = Math.max(0, numGroups);
        double channels = dim == null ? groups : Math.max(0, dim);
        return new Footprint(
                10 * groups,
                channels * 12,
                1,
                channels > groups ? "dim" : "num_groups",
                "fields num_groups=" + numGroups + ", dim=" + dim);
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, 1, dim == null ? numGroups : dim);
    }

    @Override
    public String toString() {
        return "kan_rational(groups=" + numGroups + ", init=" + initMode + ")";
    }
}
