package ai.mlpzoo.blocks.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;

/**
 * BERT's input embeddings: word + position + token type, then LayerNorm (Hugging Face's {@code
 * BertEmbeddings}; dropout is left out, this block is for inference and analysis). Parameters
 * {@code word_embeddings} (vocab, hidden), {@code position_embeddings} (positions, hidden), {@code
 * token_type_embeddings} (types, hidden) and the child {@code norm}.
 *
 * <p>Inputs: {@code input_ids} (batch, tokens) and {@code token_type_ids} (batch, tokens), integer.
 * Positions are 0 .. tokens - 1, as BERT's absolute position embeddings. Output (batch, tokens,
 * hidden).
 */
public class BertEmbeddings extends AbstractBlock {

    private static final byte VERSION = 1;

    private final BertConfig config;
    private final Parameter words;
    private final Parameter positions;
    private final Parameter types;
    private final ChannelLayerNorm norm;

    /**
     * Creates the embeddings.
     *
     * @param config the sizes
     */
    public BertEmbeddings(BertConfig config) {
        super(VERSION);
        this.config = config;
        words = addParameter(table("word_embeddings", config.vocabSize(), config.hidden()));
        positions =
                addParameter(table("position_embeddings", config.maxPositions(), config.hidden()));
        types =
                addParameter(
                        table("token_type_embeddings", config.typeVocabSize(), config.hidden()));
        norm = addChildBlock("norm", new ChannelLayerNorm(2, config.eps()));
    }

    private static Parameter table(String name, int rows, int width) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, width))
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0); // (B, T)
        NDArray typeIds = inputs.get(1); // (B, T)
        long t = ids.getShape().get(1);
        if (t > config.maxPositions()) {
            throw new IllegalArgumentException(
                    "BERT: "
                            + t
                            + " tokens, but the position table holds "
                            + config.maxPositions()
                            + ": truncate the text (the tokenizer's max length)");
        }
        NDArray device = ids;
        NDArray w = ps.getValue(words, device.getDevice(), training); // (V, H)
        NDArray p = ps.getValue(positions, device.getDevice(), training); // (P, H)
        NDArray ty = ps.getValue(types, device.getDevice(), training); // (Tt, H)
        NDArray x = lookup(ids, w); // (B, T, H)
        x = x.add(lookup(typeIds, ty)); // (B, T, H)
        NDArray pos = p.get("0:{}", t); // (T, H), broadcast over the batch
        x = x.add(pos); // (B, T, H), summed in Hugging Face's order: word + type, then position
        return norm.forward(ps, new NDList(x), training); // (B, T, H)
    }

    private static NDArray lookup(NDArray ids, NDArray table) {
        return Embedding.embedding(ids.toType(DataType.INT64, false), table, SparseFormat.DENSE)
                .head(); // (B, T, H)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), config.hidden())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape ids = inputs[0];
        norm.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), config.hidden()));
    }
}
