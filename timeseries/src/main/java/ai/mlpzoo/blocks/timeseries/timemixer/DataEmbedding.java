package ai.mlpzoo.blocks.timeseries.timemixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * TimeMixer's embedding ({@code layers/Embed.py DataEmbedding_wo_pos}): the value embedding ({@link
 * TokenEmbedding}, child {@code value_embedding}) plus, when marks are given, the timeF temporal
 * embedding ({@code temporal_embedding.embed}, a Linear(features -> d_model) without bias), then
 * dropout. No positional embedding: the reference builds one ({@code position_embedding.pe}) but
 * this class never adds it, so it is not a parameter here.
 *
 * <p>Shapes: (B', T, c_in) [+ marks (B', T, features)] to (B', T, d_model).
 */
public final class DataEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int markFeatures;
    private final float dropout;
    private final TokenEmbedding valueEmbedding;
    private final TemporalEmbedding temporalEmbedding;

    /**
     * @param cIn input channels of the value embedding
     * @param dModel the width
     * @param markFeatures time features per step
     * @param dropout the dropout rate after the sum
     */
    public DataEmbedding(int cIn, int dModel, int markFeatures, float dropout) {
        super(VERSION);
        this.markFeatures = markFeatures;
        this.dropout = dropout;
        valueEmbedding = addChildBlock("value_embedding", new TokenEmbedding(cIn, dModel));
        temporalEmbedding = addChildBlock("temporal_embedding", new TemporalEmbedding(dModel));
    }

    /**
     * @return the value embedding
     */
    public TokenEmbedding valueEmbedding() {
        return valueEmbedding;
    }

    /**
     * @return the Linear of the time features (weight (d_model, features))
     */
    public Linear temporalLinear() {
        return temporalEmbedding.embed;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = valueEmbedding.forward(ps, new NDList(inputs.get(0)), training).head();
        // x: (B', T, d_model)
        if (inputs.size() > 1) {
            NDArray marks = inputs.get(1); // (B', T, features)
            x = x.add(temporalEmbedding.embed.forward(ps, new NDList(marks), training).head());
        }
        return Dropout.dropout(x, dropout, training); // (B', T, d_model)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        valueEmbedding.initialize(manager, dataType, inputs[0]);
        temporalEmbedding.initialize(manager, dataType, new Shape(1, markFeatures));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return valueEmbedding.getOutputShapes(new Shape[] {inputShapes[0]});
    }

    /** {@code TimeFeatureEmbedding}: the holder of {@code embed}, so that the names match. */
    static final class TemporalEmbedding extends AbstractBlock {

        final Linear embed;

        TemporalEmbedding(int dModel) {
            super(VERSION);
            embed =
                    addChildBlock(
                            "embed", Linear.builder().setUnits(dModel).optBias(false).build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            return embed.forward(ps, inputs, training); // (B', T, d_model)
        }

        @Override
        protected void initializeChildBlocks(
                NDManager manager, DataType dataType, Shape... inputs) {
            embed.initialize(manager, dataType, inputs[0]);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return embed.getOutputShapes(inputShapes);
        }
    }
}
