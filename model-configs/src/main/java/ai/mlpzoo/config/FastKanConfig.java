package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.kan.FastKAN;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/** A FastKAN (RBF KAN) as fast-kan's {@code FastKAN} constructor arguments. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FastKanConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "kan_rbf";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("layers_hidden")
    public int[] layersHidden;

    @JsonProperty("grid_min")
    public double gridMin = -2.0;

    @JsonProperty("grid_max")
    public double gridMax = 2.0;

    @JsonProperty("num_grids")
    public int numGrids = 8;

    @JsonProperty("use_base_update")
    public boolean useBaseUpdate = true;

    @JsonProperty("use_layernorm")
    public boolean useLayernorm = true;

    @JsonProperty("layer_norm_eps")
    public double layerNormEps = 1e-5;

    @JsonProperty("base_activation")
    public String baseActivation = "silu";

    @JsonProperty("spline_weight_init_scale")
    public double splineWeightInitScale = 0.1;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public FastKanConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public FastKAN toBlock() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        BaseActivation activation = KanConfigs.activation(baseActivation, "base_activation");
        return ConfigException.fromBuilder(
                () ->
                        new FastKAN(
                                layersHidden,
                                gridMin,
                                gridMax,
                                numGrids,
                                useBaseUpdate,
                                useLayernorm,
                                layerNormEps,
                                activation,
                                splineWeightInitScale));
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, layersHidden[0]);
    }

    @Override
    public String toString() {
        return "kan_rbf" + Arrays.toString(layersHidden) + "(grids=" + numGrids + ")";
    }
}
