package ai.mlpzoo.analysis.studies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.List;

/**
 * A text transformer as the studies see it: the block (whose hook points are captured), how a batch
 * of texts becomes its inputs, and where its sentence embedding is in its output. The studies need
 * nothing else, so that this module does not depend on the language-model module; {@code mlpzoo
 * sae-study} adapts MiniLM ({@code ai.mlpzoo.nlp.MiniLm} and {@code SentenceTokenizer}).
 */
public interface TextModel {

    /** One tokenised batch: the block's inputs and the number of real tokens of each text. */
    record Tokens(NDList inputs, int[] lengths) {}

    /**
     * @return the model, initialised
     */
    Block block();

    /**
     * Tokenises a batch of texts.
     *
     * @param texts the texts
     * @param manager the owner of the input arrays
     * @return the inputs (each (batch, tokens), padded) and each text's real token count
     */
    Tokens tokenize(List<String> texts, NDManager manager);

    /**
     * The sentence embedding in the block's output.
     *
     * @param outputs the block's forward output
     * @return (batch, d), one row per text
     */
    default NDArray sentenceEmbedding(NDList outputs) {
        return outputs.get(0);
    }
}
