package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.Initializers;

/**
 * fast-kan's {@code FastKANLayer}: y = spline_linear(RBF(LayerNorm(x))) + base_linear(b(x)), the
 * RBF expansion flattened to (..., in * num_grids) and contracted by one bias-free linear map; the
 * base path sees the RAW input, not the normalised one. Children {@code layernorm} (optional),
 * {@code rbf}, {@code spline_linear}, {@code base_linear} (optional, with bias) as fast-kan names
 * them.
 *
 * <p>Shapes: (..., in) to (..., out).
 */
public class FastKANLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int in;
    private final int out;
    private final LayerNorm layernorm;
    private final RadialBasis rbf;
    private final Linear splineLinear;
    private final Linear baseLinear;
    private final BaseActivation activation;

    /**
     * Creates the layer.
     *
     * @param in the input width
     * @param out the output width
     * @param gridMin the first RBF centre
     * @param gridMax the last RBF centre
     * @param numGrids the number of centres
     * @param useBaseUpdate whether to add the base path
     * @param useLayerNorm whether to normalise before the RBF
     * @param layerNormEps the LayerNorm epsilon (PyTorch: 1e-5)
     * @param activation the base activation
     * @param splineInitScale the std of the spline weights at initialisation (fast-kan: 0.1)
     */
    public FastKANLayer(
            int in,
            int out,
            double gridMin,
            double gridMax,
            int numGrids,
            boolean useBaseUpdate,
            boolean useLayerNorm,
            double layerNormEps,
            BaseActivation activation,
            double splineInitScale) {
        super(VERSION);
        this.in = Checks.positive(in, "input_dim");
        this.out = Checks.positive(out, "output_dim");
        this.activation = java.util.Objects.requireNonNull(activation, "base_activation");
        Checks.positive(layerNormEps, "layer_norm_eps");
        Checks.nonNegative(splineInitScale, "spline_weight_init_scale");
        // axis 1 of the (1, in) initialisation shape: PyTorch then normalises the trailing axis of
        // any (..., in) input, as nn.LayerNorm(in) does
        layernorm =
                useLayerNorm
                        ? addChildBlock("layernorm", new ChannelLayerNorm(1, layerNormEps))
                        : null;
        rbf = addChildBlock("rbf", new RadialBasis(gridMin, gridMax, numGrids));
        splineLinear = Linear.builder().setUnits(out).optBias(false).build();
        splineLinear.setInitializer(Initializers.normal(splineInitScale), Parameter.Type.WEIGHT);
        addChildBlock("spline_linear", splineLinear);
        if (useBaseUpdate) {
            baseLinear = Linear.builder().setUnits(out).build();
            // nn.Linear's default: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias
            float bound = (float) (1 / Math.sqrt(in));
            Initializer u = (m, s, t) -> m.randomUniform(-bound, bound, s, t);
            baseLinear.setInitializer(u, Parameter.Type.WEIGHT);
            baseLinear.setInitializer(u, Parameter.Type.BIAS);
            addChildBlock("base_linear", baseLinear);
        } else {
            baseLinear = null;
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        Shape s = x.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != in) {
            throw new IllegalArgumentException(
                    "FastKANLayer input must have last axis " + in + ", got shape " + s);
        }
        NDArray u = layernorm == null ? x : layernorm.forward(ps, new NDList(x), training).head();
        NDArray basis = rbf.forward(ps, new NDList(u), training).head(); // (..., in, G)
        Shape flat = s.slice(0, s.dimension() - 1).add((long) in * rbf.getNumGrids());
        NDArray y = splineLinear.forward(ps, new NDList(basis.reshape(flat)), training).head();
        if (baseLinear != null) {
            NDArray base = activation.apply(x); // raw x, not the normalised u
            y = y.add(baseLinear.forward(ps, new NDList(base), training).head());
        }
        return new NDList(y);
    }

    /**
     * @return the input width
     */
    public int getInputDim() {
        return in;
    }

    /**
     * @return the output width
     */
    public int getOutputDim() {
        return out;
    }

    /**
     * @return the activation of the base path (applied to the raw input)
     */
    public BaseActivation getBaseActivation() {
        return activation;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape row = new Shape(1, in);
        if (layernorm != null) {
            layernorm.initialize(manager, dataType, row);
        }
        rbf.initialize(manager, dataType, row);
        splineLinear.initialize(manager, dataType, new Shape(1, (long) in * rbf.getNumGrids()));
        if (baseLinear != null) {
            baseLinear.initialize(manager, dataType, row);
        }
    }
}
