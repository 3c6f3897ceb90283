package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.blocks.kan.KanOptions;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * A B-spline KAN as efficient-kan's {@code KAN} constructor arguments (snake_case). {@code
 * grid_size} and {@code spline_order} may be one number for every layer or one per layer (a refined
 * network keeps its own G in the model directory).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KanBSplineConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "kan_bspline";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("layers_hidden")
    public int[] layersHidden;

    @JsonProperty("grid_size")
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    public int[] gridSize = {5};

    @JsonProperty("spline_order")
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    public int[] splineOrder = {3};

    @JsonProperty("grid_range")
    public double[] gridRange = {-1, 1};

    @JsonProperty("scale_noise")
    public double scaleNoise = 0.1;

    @JsonProperty("scale_base")
    public double scaleBase = 1.0;

    @JsonProperty("scale_spline")
    public double scaleSpline = 1.0;

    @JsonProperty("enable_standalone_scale_spline")
    public boolean standaloneScaleSpline = true;

    @JsonProperty("base_activation")
    public String baseActivation = "silu";

    @JsonProperty("grid_eps")
    public double gridEps = 0.02;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public KanBSplineConfig validate() {
        toBlock();
        return this;
    }

    /** The JSON-only rule: a per-layer field holds one number or one per layer. */
    private static void perLayer(int[] values, String field, int layers) {
        if (values == null || (values.length != 1 && values.length != layers)) {
            throw new ConfigException(
                    "field '"
                            + field
                            + "' must be one number or one per layer ("
                            + layers
                            + "), got "
                            + Arrays.toString(values));
        }
    }

    /**
     * The options of layer l.
     *
     * @param l the layer index
     * @return its options
     */
    public KanOptions layerOptions(int l) {
        if (gridRange == null || gridRange.length != 2) {
            throw new ConfigException(
                    "field 'grid_range' must be [lo, hi], got " + Arrays.toString(gridRange));
        }
        BaseActivation activation = KanConfigs.activation(baseActivation, "base_activation");
        return KanOptions.defaults()
                .withGridSize(gridSize[gridSize.length == 1 ? 0 : l])
                .withSplineOrder(splineOrder[splineOrder.length == 1 ? 0 : l])
                .withGridRange(gridRange[0], gridRange[1])
                .withScales(scaleNoise, scaleBase, scaleSpline)
                .withStandaloneScaler(standaloneScaleSpline)
                .withBaseActivation(activation)
                .withGridEps(gridEps);
    }

    @Override
    public KAN toBlock() {
        KanConfigs.requireType(modelType, MODEL_TYPE);
        if (layersHidden != null && layersHidden.length >= 2) {
            perLayer(gridSize, "grid_size", layersHidden.length - 1);
            perLayer(splineOrder, "spline_order", layersHidden.length - 1);
            Configs.checkFits(footprint());
        }
        return ConfigException.fromBuilder(() -> new KAN(layersHidden, this::layerOptions));
    }

    /**
     * The estimate per layer: efficient-kan's spline, base and scaler weights (in x out x (G + k +
     * 1)) and its grid (in x (G + 2k + 1)); per sample the Cox-de Boor bases it keeps (in x (G +
     * 2k) x (k + 1)).
     *
     * @return the estimate, naming the widest layer's field or grid_size
     */
    @Override
    public Footprint footprint() {
        if (layersHidden == null || layersHidden.length < 2) {
            return Footprint.UNKNOWN; // the block names the field
        }
        int layers = layersHidden.length - 1;
        double params = 0;
        double activations = 0;
        double largest = -1;
        String reduce = "layers_hidden";
        for (int l = 0; l < layers; l++) {
            double in = Math.max(0, layersHidden[l]);
            double out = Math.max(0, layersHidden[l + 1]);
            double g = Math.max(0, gridSize[gridSize.length == 1 ? 0 : l]);
            double k = Math.max(0, splineOrder[splineOrder.length == 1 ? 0 : l]);
            double p = in * out * (g + k + 1) + in * (g + 2 * k + 1);
            params += p;
            activations += in * (g + 2 * k) * (k + 1) + out;
            if (p > largest) {
                largest = p;
                int wide = in >= out ? l : l + 1;
                reduce =
                        g + k > Math.max(in, out)
                                ? "grid_size"
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
                        + ", grid_size="
                        + Footprint.summary(gridSize)
                        + ", spline_order="
                        + Footprint.summary(splineOrder));
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, layersHidden[0]);
    }

    @Override
    public String toString() {
        return "kan_bspline"
                + Arrays.toString(layersHidden)
                + "(G="
                + Arrays.toString(gridSize)
                + ", k="
                + Arrays.toString(splineOrder)
                + ")";
    }
}
