package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * fast-kan's Gaussian radial basis (Li 2024, "Kolmogorov-Arnold Networks are Radial Basis Function
 * Networks"): B_i(u) = exp(-((u - u_i) / h)^2) on {@code num_grids} centres u_i evenly spaced over
 * [grid_min, grid_max], h = (grid_max - grid_min) / (num_grids - 1). The centres are the frozen
 * parameter {@code grid}, saved with the weights as fast-kan does; h comes from the config.
 *
 * <p>Shapes: (..., in) to (..., in, num_grids).
 */
public class RadialBasis extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Parameter grid;
    private final int numGrids;
    private final float denominator;

    /**
     * Creates the basis.
     *
     * @param gridMin the first centre
     * @param gridMax the last centre, above gridMin
     * @param numGrids the number of centres, at least 2
     */
    public RadialBasis(double gridMin, double gridMax, int numGrids) {
        super(VERSION);
        if (numGrids < 2) {
            throw new IllegalArgumentException(
                    Checks.field("num_grids") + " must be at least 2, got " + numGrids);
        }
        if (!(gridMin < gridMax) || !Double.isFinite(gridMin) || !Double.isFinite(gridMax)) {
            throw new IllegalArgumentException(
                    Checks.field("grid_min")
                            + " ("
                            + gridMin
                            + ") must be below "
                            + Checks.field("grid_max")
                            + " ("
                            + gridMax
                            + "), both finite");
        }
        this.numGrids = numGrids;
        this.denominator = (float) ((gridMax - gridMin) / (numGrids - 1));
        grid =
                addParameter(
                        Parameter.builder()
                                .setName("grid")
                                .setType(Parameter.Type.OTHER)
                                .optRequiresGrad(false)
                                .optShape(new Shape(numGrids))
                                .optInitializer(
                                        (m, s, t) ->
                                                m.linspace(
                                                                (float) gridMin,
                                                                (float) gridMax,
                                                                numGrids)
                                                        .toType(t, false))
                                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray u = inputs.head().expandDims(-1); // (..., in, 1)
        NDArray centres = ps.getValue(grid, u.getDevice(), training); // (num_grids)
        NDArray z = Scalars.div(u.sub(centres), denominator); // (..., in, num_grids)
        return new NDList(z.square().neg().exp());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(numGrids)};
    }

    /**
     * @return h, the spacing of the centres, which divides (u - u_i)
     */
    public float getDenominator() {
        return denominator;
    }

    /**
     * @return the number of centres
     */
    public int getNumGrids() {
        return Checks.positive(numGrids, "num_grids");
    }
}
