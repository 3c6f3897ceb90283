package ai.mlpzoo.blocks.timeseries.timemixer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A numbered list of blocks, as PyTorch's {@code nn.ModuleList}: its children are named {@code 0},
 * {@code 1}, ... so that their parameters get the reference's state-dict names ({@code
 * predict_layers.0.weight}). It has no forward of its own: the owner runs and initialises the
 * elements.
 *
 * @param <T> the element type
 */
final class ModuleList<T extends Block> extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<T> items = new ArrayList<>();
    private final IntFunction<Shape> inputShape;

    /**
     * @param elements the blocks
     * @param inputShape the input shape that initialises element i
     */
    ModuleList(List<T> elements, IntFunction<Shape> inputShape) {
        super(VERSION);
        this.inputShape = inputShape;
        for (T e : elements) {
            items.add(addChildBlock(String.valueOf(items.size()), e));
        }
    }

    /**
     * @param i the index
     * @return element i
     */
    T get(int i) {
        return items.get(i);
    }

    /**
     * @return the elements, in order
     */
    List<T> items() {
        return Collections.unmodifiableList(items);
    }

    int size() {
        return items.size();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("a ModuleList has no forward: run its elements");
    }

    /** Initialises each element with its own input shape (the list's own is irrelevant). */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        for (int i = 0; i < items.size(); i++) {
            items.get(i).initialize(manager, dataType, inputShape.apply(i));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
