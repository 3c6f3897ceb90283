package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;

/**
 * The FAN layer (Dong et al. 2024, "FAN: Fourier Analysis Networks"): [cos(W_p x + b_p), sin(W_p x
 * + b_p), gelu(W_g x + b_g)] concatenated on the last axis, with d_p = floor(out * p_ratio)
 * periodic units (each giving a cos and a sin) and d_g = out - 2 d_p ordinary GELU units, so that
 * periodic structure is represented explicitly. Children {@code input_linear_p}, {@code
 * input_linear_g} as the reference's {@code FANLayer}.
 *
 * <p>Shapes: (..., in) to (..., out).
 */
public class FANLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int out;
    private final int dp;
    private final Linear linearP;
    private final Linear linearG;

    /**
     * Creates the layer.
     *
     * @param out the output width
     * @param pRatio the periodic share, in (0, 0.5) (FAN: 0.25)
     * @param bias whether W_p has a bias (W_g always has one)
     */
    public FANLayer(int out, double pRatio, boolean bias) {
        super(VERSION);
        this.out = Checks.positive(out, "output_dim");
        if (!(pRatio > 0 && pRatio < 0.5)) {
            throw new IllegalArgumentException("p_ratio must be in (0, 0.5), got " + pRatio);
        }
        dp = (int) (out * pRatio);
        if (dp < 1 || out - 2 * dp < 1) {
            throw new IllegalArgumentException(
                    "output_dim "
                            + out
                            + " with p_ratio "
                            + pRatio
                            + " leaves no periodic or no GELU unit");
        }
        linearP =
                addChildBlock(
                        "input_linear_p", Linear.builder().setUnits(dp).optBias(bias).build());
        linearG = addChildBlock("input_linear_g", Linear.builder().setUnits(out - 2L * dp).build());
    }

    /**
     * The default layer: p_ratio 0.25, biased.
     *
     * @param out the output width
     */
    public FANLayer(int out) {
        this(out, 0.25, true);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray p = linearP.forward(ps, inputs, training).head(); // (..., d_p)
        NDArray g = Activation.gelu(linearG.forward(ps, inputs, training).head()); // (..., d_g)
        int axis = p.getShape().dimension() - 1;
        return new NDList(NDArrays.concat(new NDList(p.cos(), p.sin(), g), axis));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        linearP.initialize(manager, dataType, inputs[0]);
        linearG.initialize(manager, dataType, inputs[0]);
    }

    /**
     * @return d_p, the number of periodic units
     */
    public int getPeriodicUnits() {
        return dp;
    }
}
