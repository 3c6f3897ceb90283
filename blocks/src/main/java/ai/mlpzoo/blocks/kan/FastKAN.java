package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.InputContract;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * fast-kan's {@code FastKAN}: a stack of {@link FastKANLayer}s, children {@code layers.N}; the
 * output is named {@code output}.
 *
 * <p>Shapes: (..., widths[0]) to (..., widths[last]). The forward trusts its input: entry points
 * check a request once with {@link #checkInput}. Hook points {@code layers.N}, each layer's output.
 */
public class FastKAN extends AbstractBlock implements HookPoint.Owner, InputContract {

    private static final byte VERSION = 1;

    private final int[] widths;
    private final List<FastKANLayer> layers = new ArrayList<>();
    private final List<HookPoint> hookLayers = new ArrayList<>();

    /**
     * Creates the network; every layer gets the same RBF and base options.
     *
     * @param widths the widths, at least two
     * @param gridMin the first RBF centre (fast-kan: -2)
     * @param gridMax the last RBF centre (fast-kan: 2)
     * @param numGrids the number of centres (fast-kan: 8)
     * @param useBaseUpdate whether layers add the base path
     * @param useLayerNorm whether layers normalise before the RBF
     * @param layerNormEps the LayerNorm epsilon
     * @param activation the base activation
     * @param splineInitScale the spline weights' initial std
     */
    public FastKAN(
            int[] widths,
            double gridMin,
            double gridMax,
            int numGrids,
            boolean useBaseUpdate,
            boolean useLayerNorm,
            double layerNormEps,
            BaseActivation activation,
            double splineInitScale) {
        super(VERSION);
        if (widths == null || widths.length < 2) {
            throw new IllegalArgumentException(
                    Checks.field("layers_hidden")
                            + " must list at least two widths (in and out), got "
                            + java.util.Arrays.toString(widths));
        }
        this.widths = widths.clone();
        for (int l = 0; l + 1 < widths.length; l++) {
            Checks.positive(widths[l], "layers_hidden[" + l + "]");
            Checks.positive(widths[l + 1], "layers_hidden[" + (l + 1) + "]");
            layers.add(
                    addChildBlock(
                            "layers." + l,
                            new FastKANLayer(
                                    widths[l],
                                    widths[l + 1],
                                    gridMin,
                                    gridMax,
                                    numGrids,
                                    useBaseUpdate,
                                    useLayerNorm,
                                    layerNormEps,
                                    activation,
                                    splineInitScale)));
            hookLayers.add(new HookPoint("layers." + l));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        for (int i = 0; i < layers.size(); i++) {
            NDArray in = x;
            x =
                    hookLayers
                            .get(i)
                            .apply(in, layers.get(i).forward(ps, new NDList(in), training).head());
        }
        x.setName("output");
        return new NDList(x);
    }

    /**
     * Checks an input: last axis widths[0] and no NaN or infinity.
     *
     * @param x the input (..., widths[0])
     * @throws IllegalArgumentException naming the width the network takes, or the NaN
     */
    @Override
    public void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != widths[0]) {
            throw new IllegalArgumentException(
                    "FastKAN input must have last axis " + widths[0] + ", got shape " + s);
        }
        Checks.requireFinite(x, "FastKAN input");
    }

    @Override
    public List<HookPoint> hookPoints() {
        return Collections.unmodifiableList(hookLayers);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(widths[widths.length - 1])};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = inputs[0];
        for (FastKANLayer layer : layers) {
            layer.initialize(manager, dataType, s);
            s = layer.getOutputShapes(new Shape[] {s})[0];
        }
    }
}
