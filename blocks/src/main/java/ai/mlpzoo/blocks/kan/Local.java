package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * DJL attaches the result of an op to the manager of its receiver. An op whose receiver is a
 * parameter array (w.transpose(), grid.get(...)) would therefore put its result into the model's
 * long-lived manager and leak once per forward pass. Blocks here first take a differentiable view
 * of such a parameter owned by the input's manager, so every intermediate is freed with the batch.
 */
final class Local {

    private Local() {}

    /**
     * A view of {@code param} owned by {@code manager}; gradients flow through it to the parameter.
     *
     * @param param a parameter's array
     * @param manager the batch's manager
     * @return the view
     */
    static NDArray copy(NDArray param, NDManager manager) {
        // a reshape view stays on the autograd graph (duplicate() would detach it); only the new
        // handle moves to the batch's manager
        NDArray c = param.reshape(param.getShape());
        c.attach(manager);
        return c;
    }
}
