package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * Views of a parameter made inside a forward pass, owned by the pass. DJL attaches an operation's
 * result to its first operand's manager: {@code weight.reshape(...)} in a forward belongs to the
 * model's long-lived manager, so every step would leave one array (and the autograd node behind it)
 * there for the life of the model. Attached to the manager of the activation it meets, the view is
 * closed with the step's arrays. {@code TrainingStepMemoryTest} (training module) counts the model
 * manager's arrays across steps for every Fashion-MNIST classifier.
 */
public final class StepLocal {

    private StepLocal() {}

    /**
     * @param param a parameter's array
     * @param like an activation of the current pass
     * @param op an operation on the parameter alone (a reshape, a transpose)
     * @return op(param), owned by {@code like}'s manager (param itself if op returns it)
     */
    public static NDArray view(NDArray param, NDArray like, UnaryOperator<NDArray> op) {
        NDArray out = op.apply(param);
        if (out != param) {
            out.attach(like.getManager());
        }
        return out;
    }
}
