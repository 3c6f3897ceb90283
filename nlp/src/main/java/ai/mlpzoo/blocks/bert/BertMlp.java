package ai.mlpzoo.blocks.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * BERT's feed-forward network: {@code fc2(gelu(fc1(x)))} with the exact (erf) GELU of Hendrycks and
 * Gimpel 2016 (Hugging Face's {@code BertIntermediate} and the dense part of {@code BertOutput}).
 * Children {@code fc1} (hidden to intermediate) and {@code fc2} (back). Shapes (batch, tokens,
 * hidden) to the same.
 */
public class BertMlp extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Linear fc1;
    private final Linear fc2;

    /**
     * Creates the MLP.
     *
     * @param hidden the model width
     * @param intermediate the hidden width
     */
    public BertMlp(int hidden, int intermediate) {
        super(VERSION);
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(intermediate).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(hidden).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = fc1.forward(ps, inputs, training).head(); // (B, T, I)
        h = Activation.gelu(h); // (B, T, I); PyTorch's gelu is the exact erf form
        return fc2.forward(ps, new NDList(h), training); // (B, T, H)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        fc1.initialize(manager, dataType, x);
        fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[] {x})[0]);
    }
}
