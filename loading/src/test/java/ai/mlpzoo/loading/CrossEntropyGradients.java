package ai.mlpzoo.loading;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Map;

/**
 * The training step that the gradient-parity tests hold to PyTorch autograd's: the mean
 * cross-entropy of a classifier's logits, as the fixture generators in tools/fixtures compute it
 * ({@code F.cross_entropy}, no label smoothing).
 */
final class CrossEntropyGradients {

    private CrossEntropyGradients() {}

    /**
     * Marks every parameter as requiring a gradient, runs the block in training mode and
     * back-propagates the mean cross-entropy; the gradients are then on the parameters' arrays.
     *
     * @param block the classifier
     * @param params its parameters by name
     * @param input the batch
     * @param labels the class per row, int64, (B)
     * @param m the manager of the step's arrays
     * @return the loss
     */
    static float backward(
            Block block,
            Map<String, Parameter> params,
            NDArray input,
            NDArray labels,
            NDManager m) {
        for (Parameter p : params.values()) {
            p.getArray().setRequiresGradient(true);
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = // (B, classes)
                    block.forward(new ParameterStore(m, false), new NDList(input), true).head();
            NDArray picked = // log p(label) per row, (B)
                    logits.logSoftmax(1)
                            .get(new NDIndex("{}, {}", m.arange(labels.size()), labels));
            NDArray total = picked.neg().mean();
            gc.backward(total);
            return total.getFloat();
        }
    }
}
