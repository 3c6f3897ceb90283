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
        Configs.checkFits(footprint());
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

    /**
     * The estimate per layer: fast-kan's spline linear (in x num_grids x out), base linear (in x
     * out) and LayerNorm (2 x in); per sample the RBF bases (in x num_grids).
     *
     * @return the estimate, naming the widest layer's field or num_grids
     */
    @Override
    public Footprint footprint() {
        if (layersHidden == null || layersHidden.length < 2) {
            return Footprint.UNKNOWN; // the block names the field
        }
        int layers = layersHidden.length - 1;
        double g = Math.max(0, numGrids);
        double params = 0;
        double activations = 0;
        double largest = -1;
        String reduce = "layers_hidden";
        for (int l = 0; l < layers; l++) {
            double in = Math.max(0, layersHidden[l]);
            double out = Math.max(0, layersHidden[l + 1]);
            double p = in * out * (g + 1) + 2 * in + out;
            params += p;
            activations += in * (g + 2) + out;
            if (p > largest) {
                largest = p;
                int wide = in >= out ? l : l + 1;
                reduce =
                        g > Math.max(in, out)
                                ? "num_grids"
                                : "layers_hidden[" + wide + "] (" + layersHidden[wide] + ")";
            }
        }
        if (layers > 1000) {
            reduce = "the number of layers in layers_hidden (" + layers + ")";
        }
        return new Footprint(
                params,
                activations,
                layers,
                reduce,
                "fields layers_hidden="
                        + Footprint.summary(layersHidden)
                        + ", num_grids="
                        + numGrids);
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
