package ai.mlpzoo.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.function.Supplier;

/**
 * Inference of a block on a fixed random batch: {@code block.forward(ps, x, training=false)} with
 * no gradient collector open and parameters that do not require gradients, so nothing is recorded
 * for autograd. Every step's arrays live in a sub-manager closed after the step.
 */
final class InferCase extends BenchCase {

    private final Supplier<Block> factory;
    private final Shape batchShape;
    private NDManager manager;
    private Block block;
    private NDArray x;
    private ParameterStore ps;

    InferCase(
            String name,
            Supplier<Block> factory,
            Shape batchShape,
            double flops,
            int warmup,
            int steps) {
        super(name, flops, warmup, steps);
        this.factory = factory;
        this.batchShape = batchShape;
    }

    /**
     * The same block, input shape and step counts exported to ONNX and run on ONNX Runtime: what a
     * user gets from {@code mlpzoo predict --engine OnnxRuntime} on the exported model directory.
     *
     * @param name the new case's name
     * @param int8 run the graph quantised by our int8 quantiser instead
     * @return the case (not set up)
     */
    OrtInferCase onOnnxRuntime(String name, boolean int8) {
        return new OrtInferCase(
                name, factory, batchShape, int8, flopsPerStep(), defaultWarmup(), defaultSteps());
    }

    @Override
    public void setup() {
        manager = NDManager.newBaseManager();
        block = factory.get();
        block.initialize(manager, DataType.FLOAT32, batchShape);
        x = manager.randomNormal(batchShape);
        ps = new ParameterStore(manager, false);
    }

    @Override
    public void step() {
        try (NDManager sub = manager.newSubManager()) {
            NDArray xs = x.duplicate();
            xs.attach(sub);
            NDList out = block.forward(ps, new NDList(xs), false);
            out.head().getShape();
        }
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
