package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Mean squared error, the forecasters' training loss: mean((label - prediction)²) over every
 * element, as PyTorch's {@code nn.MSELoss()} and DJL's {@code Loss.l2Loss("mse", 1)} compute it.
 * DJL's version multiplies by its weight with {@code mul(Number)}, whose gradient can read freed
 * memory (see {@link Scalars}); this one has no constant to multiply by. It lives beside {@code
 * Scalars} so that the blocks' own tests can train with it too.
 */
public class MseLoss extends Loss {

    /** Creates the loss, named {@code mse}. */
    public MseLoss() {
        super("mse");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray pred = predictions.singletonOrThrow(); // (batch, ...)
        NDArray label = labels.singletonOrThrow().reshape(pred.getShape()); // (batch, ...)
        return label.sub(pred).square().mean(); // ()
    }
}
