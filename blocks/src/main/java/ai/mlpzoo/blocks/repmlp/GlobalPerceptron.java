package ai.mlpzoo.blocks.repmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.PooledClassifier;

/**
 * RepMLP's global perceptron (the reference's {@code GlobalPerceptron}): the per-channel gate
 * {@code sigmoid(fc2(relu(fc1(mean_HW(x)))))}, fc1 and fc2 1×1 convolutions with bias (C → C /
 * reduce → C). It gives each partition the global context the partitioned FC cannot see. Children
 * {@code fc1}, {@code fc2}.
 *
 * <p>Shapes: (B, C, H, W) to (B, C, 1, 1).
 */
public class GlobalPerceptron extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Conv2d fc1;
    private final Conv2d fc2;
    private final int channels;
    private final int internal;

    /**
     * Creates the gate.
     *
     * @param channels C
     * @param internal the hidden width, C / globalperceptron_reduce
     */
    public GlobalPerceptron(int channels, int internal) {
        super(VERSION);
        this.channels = channels;
        this.internal = internal;
        fc1 = addChildBlock("fc1", pointwise(internal));
        fc2 = addChildBlock("fc2", pointwise(channels));
    }

    private static Conv2d pointwise(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(filters).build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, H, W)
        NDArray v = PooledClassifier.meanHW(x).reshape(x.getShape().get(0), channels, 1, 1);
        v = fc1.forward(ps, new NDList(v), training).head(); // (B, C/r, 1, 1)
        v = Activation.relu(v);
        v = fc2.forward(ps, new NDList(v), training).head(); // (B, C, 1, 1)
        return new NDList(Activation.sigmoid(v)); // (B, C, 1, 1)
    }

    /**
     * @return the first 1×1 convolution (C → C / reduce)
     */
    public Conv2d getFc1() {
        return fc1;
    }

    /**
     * @return the second 1×1 convolution (C / reduce → C)
     */
    public Conv2d getFc2() {
        return fc2;
    }

    /**
     * @return the hidden width
     */
    public int getInternal() {
        return internal;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), channels, 1, 1)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        fc1.initialize(manager, dataType, new Shape(b, channels, 1, 1));
        fc2.initialize(manager, dataType, new Shape(b, internal, 1, 1));
    }
}
