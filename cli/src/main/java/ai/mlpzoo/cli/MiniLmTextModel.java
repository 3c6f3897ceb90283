package ai.mlpzoo.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.mlpzoo.analysis.studies.TextModel;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.nlp.MiniLm;
import ai.mlpzoo.nlp.SentenceTokenizer;
import java.io.IOException;
import java.util.List;

/**
 * MiniLM (all-MiniLM-L6-v2) as the SAE studies see a text model: the zoo's BERT block, its
 * tokenizer with each batch padded to a multiple of 32 tokens as {@code mlpzoo capture} does (the
 * engine then sees few shapes), and the normalised mean-pooled embedding as the sentence embedding
 * (the block's first output).
 */
final class MiniLmTextModel implements TextModel, AutoCloseable {

    private final BertEncoder encoder;
    private final SentenceTokenizer tokenizer;
    private long truncated;

    MiniLmTextModel(NDManager manager) throws IOException {
        this.encoder = MiniLm.load(manager);
        this.tokenizer = SentenceTokenizer.miniLm();
    }

    @Override
    public Block block() {
        return encoder;
    }

    @Override
    public Tokens tokenize(List<String> texts, NDManager manager) {
        SentenceTokenizer.Batch b =
                CaptureCommand.padded(tokenizer.encode(texts, false), tokenizer.maxLength());
        for (boolean t : b.truncated()) {
            if (t) {
                truncated++;
            }
        }
        return new Tokens(b.toNDList(manager), b.lengths()); // each (batch, tokens) int64
    }

    /**
     * @return how many texts were longer than the maximum length and truncated, as
     *     sentence-transformers does
     */
    long truncated() {
        return truncated;
    }

    /**
     * @return the maximum length in tokens
     */
    int maxLength() {
        return tokenizer.maxLength();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
