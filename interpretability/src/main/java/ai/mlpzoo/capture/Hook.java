package ai.mlpzoo.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A stand-in for a sub-block, the DJL analogue of a PyTorch forward hook: it runs the original
 * and keeps the first input and output array of the latest call, and optionally hands the rest of
 * the model {@code replace(input, output)} instead of the output (both left owned by the
 * forward pass's managers). It has no parameters of its own and lives only while a {@link
 * Capture} is open.
 */
final class Hook extends AbstractBlock {

    private final Block original;
    private final java.util.function.BinaryOperator<NDArray> replace;
    private NDArray lastInput;
    private NDArray lastOutput;

    Hook(Block original, java.util.function.BinaryOperator<NDArray> replace) {
        this.original = original;
        this.replace = replace;
    }

    Block original() {
        return original;
    }

    NDArray lastInput() {
        return lastInput;
    }

    NDArray lastOutput() {
        return lastOutput;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = original.forward(ps, inputs, training, params);
        lastInput = inputs.head();
        lastOutput = out.head();
        if (replace == null) {
            return out;
        }
        // splice: the rest of the model sees replace(input, output) instead of the output
        NDList spliced = new NDList(replace.apply(lastInput, lastOutput));
        for (int i = 1; i < out.size(); i++) {
            spliced.add(out.get(i));
        }
        return spliced;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return original.getOutputShapes(inputShapes);
    }

    @Override
    public boolean isInitialized() {
        return original.isInitialized();
    }
}
