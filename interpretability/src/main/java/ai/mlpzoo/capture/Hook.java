package ai.mlpzoo.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.HookPoint;

/**
 * A hook point for a child of DJL's {@code SequentialBlock}, which declares none of its own: it
 * runs the original child and passes its first input and output through a {@link
 * HookPoint.Listener}, whose result the rest of the sequence sees (other outputs pass unchanged).
 * It has no parameters and stands in the sequence only while a {@link Capture} is open. Our own
 * blocks never need it: they declare {@link HookPoint}s.
 */
class Hook extends AbstractBlock {

    private final Block original;
    private final HookPoint.Listener listener;

    Hook(Block original, HookPoint.Listener listener) {
        this.original = original;
        this.listener = listener;
    }

    Block original() {
        return original;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = original.forward(ps, inputs, training, params);
        NDArray first = out.head();
        NDArray result = listener.onForward(inputs.head(), first);
        if (result == first) {
            return out;
        }
        NDList spliced = new NDList(result);
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
