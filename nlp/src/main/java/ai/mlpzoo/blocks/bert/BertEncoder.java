package ai.mlpzoo.blocks.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.attention.MultiHeadSelfAttention;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A BERT encoder (Devlin et al. 2019) with sentence-transformers' mean pooling and normalisation on
 * top (Reimers and Gurevych 2019): the block behind the zoo's {@code minilm}. Children {@code
 * embeddings} and {@code blocks.0} .. {@code blocks.(layers-1)} ({@link BertLayer}).
 *
 * <p>Inputs, as the ONNX export of a Hugging Face BERT takes them: {@code input_ids} (batch,
 * tokens), {@code attention_mask} (batch, tokens; 1 = token, 0 = padding) and optionally {@code
 * token_type_ids} (batch, tokens; zeros when absent), all integer. Outputs: the sentence embedding
 * (batch, hidden), unit length, and the last hidden state (batch, tokens, hidden).
 *
 * <p>Hook points (see {@link BertLayer}): {@code blocks.i.hook_resid_pre}, {@code blocks.i.mlp},
 * {@code blocks.i.hook_resid_post} and {@code blocks.i.attention.hook_z}.
 */
public class BertEncoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final List<BertLayer> layers = new ArrayList<>();

    /**
     * Creates the encoder.
     *
     * @param config the sizes
     */
    public BertEncoder(BertConfig config) {
        super(VERSION);
        this.config = config;
        embeddings = addChildBlock("embeddings", new BertEmbeddings(config));
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("blocks." + i, new BertLayer(config)));
        }
    }

    /**
     * @return the sizes
     */
    public BertConfig config() {
        return config;
    }

    /**
     * @return the layers, in order
     */
    public List<BertLayer> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() < 2) {
            throw new IllegalArgumentException(
                    "BERT: expected input_ids and attention_mask (and optionally token_type_ids),"
                            + " got "
                            + inputs.size()
                            + " input(s)");
        }
        NDArray ids = inputs.get(0); // (B, T)
        NDArray attentionMask = inputs.get(1); // (B, T)
        if (ids.getShape().dimension() != 2 || !ids.getShape().equals(attentionMask.getShape())) {
            throw new IllegalArgumentException(
                    "BERT: input_ids and attention_mask must both be (batch, tokens), got "
                            + ids.getShape()
                            + " and "
                            + attentionMask.getShape());
        }
        NDArray typeIds = inputs.size() > 2 ? inputs.get(2) : ids.zerosLike(); // (B, T)
        NDArray x = embeddings.forward(ps, new NDList(ids, typeIds), training).head(); // (B,T,H)
        NDArray mask = MultiHeadSelfAttention.additiveMask(attentionMask); // (B, 1, 1, T)
        for (BertLayer layer : layers) {
            x = layer.forward(ps, new NDList(x, mask), training).head(); // (B, T, H)
        }
        NDArray sentence = SentencePooling.meanNormalized(x, attentionMask); // (B, H)
        return new NDList(sentence, x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {
            new Shape(ids.get(0), config.hidden()),
            new Shape(ids.get(0), ids.get(1), config.hidden())
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape ids = inputs[0];
        embeddings.initialize(manager, dataType, ids, ids);
        Shape x = new Shape(ids.get(0), ids.get(1), config.hidden());
        Shape mask = new Shape(ids.get(0), 1, 1, ids.get(1));
        for (BertLayer layer : layers) {
            layer.initialize(manager, dataType, x, mask);
        }
    }
}
