package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Stochastic depth (Huang et al. 2016, "Deep Networks with Stochastic Depth"): while training, a
 * residual branch is dropped for a whole sample with probability {@code rate} and the survivors are
 * scaled by 1 / (1 - rate). At inference it is the identity.
 */
public final class DropPath {

    private DropPath() {}

    /**
     * Applies stochastic depth to a residual branch.
     *
     * @param branch the branch output, (batch, ...)
     * @param rate the drop probability in [0, 1)
     * @param training whether the model is training
     * @return the branch, masked per sample when training
     */
    public static NDArray apply(NDArray branch, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return branch;
        }
        float keep = 1f - rate;
        long[] maskShape = new long[branch.getShape().dimension()];
        java.util.Arrays.fill(maskShape, 1);
        maskShape[0] = branch.getShape().get(0);
        NDArray mask =
                Scalars.divi(
                        branch.getManager()
                                .randomUniform(0f, 1f, new Shape(maskShape), branch.getDataType())
                                .lt(keep)
                                .toType(branch.getDataType(), false),
                        keep);
        return branch.mul(mask);
    }
}
