package ai.mlpzoo.blocks.timeseries.timemixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * TimeMixer's {@code nn.Sequential(Linear(in, hidden), GELU(), Linear(hidden, out))} on the last
 * axis, children named {@code 0} and {@code 2} as the reference's state dict (index 1 is the
 * parameter-free GELU, exact erf form). Used for the season down-sampling and trend up-sampling
 * layers (on the time axis, the caller transposes) and for {@code cross_layer} / {@code
 * out_cross_layer} (on d_model).
 *
 * <p>Shapes: (..., in) to (..., out).
 */
public final class TwoLayerMlp extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int in;
    private final int hidden;
    private final int out;
    private final Linear fc1;
    private final Linear fc2;

    /**
     * @param in input features
     * @param hidden hidden features
     * @param out output features
     */
    public TwoLayerMlp(int in, int hidden, int out) {
        super(VERSION);
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        fc1 = addChildBlock("0", Linear.builder().setUnits(hidden).build());
        fc2 = addChildBlock("2", Linear.builder().setUnits(out).build());
    }

    /**
     * @return the input features
     */
    public int inFeatures() {
        return in;
    }

    /**
     * @return the first Linear ({@code 0})
     */
    public Linear fc1() {
        return fc1;
    }

    /**
     * @return the second Linear ({@code 2})
     */
    public Linear fc2() {
        return fc2;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (..., in)
        NDArray h = fc1.forward(ps, new NDList(x), training).head(); // (..., hidden)
        h = Activation.gelu(h); // (..., hidden)
        return fc2.forward(ps, new NDList(h), training); // (..., out)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        fc1.initialize(manager, dataType, new Shape(1, in));
        fc2.initialize(manager, dataType, new Shape(1, hidden));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }
}
