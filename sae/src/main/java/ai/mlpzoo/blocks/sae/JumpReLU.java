package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * JumpReLU and the Heaviside step with the straight-through estimators of Rajamanoharan et al.
 * 2024. DJL has no custom autograd functions, so each pseudo-derivative is grafted on with a term
 * that is zero in value but has the wanted gradient: {@code c * theta - stop(c * theta)}, with c
 * held constant. The rectangle kernel is K(u) = 1 on (-1/2, 1/2).
 */
public final class JumpReLU {

    private JumpReLU() {}

    /**
     * JumpReLU {@code pre * H(pre - theta)}: d/dpre = H(pre - theta); d/dtheta = -(theta / eps)
     * K((pre - theta) / eps).
     *
     * @param pre pre-activations (N, d_sae)
     * @param theta thresholds (d_sae), requiring gradients
     * @param eps the bandwidth
     * @return (N, d_sae)
     */
    public static NDArray jumpRelu(NDArray pre, NDArray theta, float eps) {
        NDArray mask = pre.gt(theta).toType(pre.getDataType(), false); // constant: no gradient
        NDArray value = pre.mul(mask);
        // c is detached in graft, so multiplying by theta itself only fixes its value
        NDArray c = Scalars.divi(rectangle(pre, theta, eps).mul(theta), -eps);
        return value.add(graft(c, theta));
    }

    /**
     * The step {@code H(pre - theta)}, for the L0 penalty: no gradient to pre; d/dtheta = -(1 /
     * eps) K((pre - theta) / eps).
     *
     * @param pre pre-activations (N, d_sae)
     * @param theta thresholds (d_sae), requiring gradients
     * @param eps the bandwidth
     * @return (N, d_sae) of zeros and ones
     */
    public static NDArray step(NDArray pre, NDArray theta, float eps) {
        NDArray value = pre.gt(theta).toType(pre.getDataType(), false);
        NDArray c = Scalars.divi(rectangle(pre, theta, eps), -eps);
        return value.add(graft(c, theta));
    }

    /** K((pre - theta) / eps), detached. */
    private static NDArray rectangle(NDArray pre, NDArray theta, float eps) {
        // pre first: every result stays in the batch's manager, never in the parameter's
        NDArray u = Scalars.divi(pre.stopGradient().sub(theta), eps);
        return u.gt(-0.5f).logicalAnd(u.lt(0.5f)).toType(pre.getDataType(), false);
    }

    /** Zero in value; gradient c (broadcast per row) with respect to theta. */
    private static NDArray graft(NDArray c, NDArray theta) {
        NDArray ct = c.stopGradient().mul(theta);
        return ct.sub(ct.stopGradient());
    }
}
