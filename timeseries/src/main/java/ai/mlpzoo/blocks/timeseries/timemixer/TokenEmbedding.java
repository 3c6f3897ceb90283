package ai.mlpzoo.blocks.timeseries.timemixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The value embedding of TimeMixer ({@code layers/Embed.py TokenEmbedding}): {@code Conv1d(c_in ->
 * d_model, kernel 3, padding 1, padding_mode='circular', bias=False)} along time. Circular padding
 * wraps around: the step before the first is the last one and the step after the last is the first,
 * so tap j of output t reads step (t - 1 + j) mod T. The child {@code tokenConv} holds {@code
 * weight} (d_model, c_in, 3), the reference's name and layout.
 *
 * <p>Shapes: (B', T, c_in) to (B', T, d_model).
 */
public final class TokenEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int cIn;
    private final int dModel;
    private final Conv1d tokenConv;

    /**
     * @param cIn input channels (1 with channel independence, else enc_in)
     * @param dModel the embedding width
     */
    public TokenEmbedding(int cIn, int dModel) {
        super(VERSION);
        this.cIn = cIn;
        this.dModel = dModel;
        tokenConv =
                addChildBlock(
                        "tokenConv",
                        Conv1d.builder()
                                .setKernelShape(new Shape(3))
                                .setFilters(dModel)
                                .optBias(false)
                                .build());
    }

    /**
     * @return the convolution (weight (d_model, c_in, 3))
     */
    public Conv1d tokenConv() {
        return tokenConv;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head().transpose(0, 2, 1); // (B', c_in, T)
        long t = x.getShape().get(2);
        NDArray last = x.get(":, :, {}:", t - 1); // (B', c_in, 1)
        NDArray first = x.get(":, :, :1"); // (B', c_in, 1)
        NDArray padded = NDArrays.concat(new NDList(last, x, first), 2); // (B', c_in, T + 2)
        NDArray y = tokenConv.forward(ps, new NDList(padded), training).head(); // (B', d, T)
        return new NDList(y.transpose(0, 2, 1)); // (B', T, d_model)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        tokenConv.initialize(manager, dataType, new Shape(1, cIn, 8));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), dModel)};
    }
}
