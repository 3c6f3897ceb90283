package ai.mlpzoo.nlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.mlpzoo.blocks.bert.SentencePooling;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Text to its normalised sentence embedding, one text or a batch ({@code Predictor.batchPredict}:
 * tokenised together and padded to the longest). Works on both engines: the DJL {@link
 * ai.mlpzoo.blocks.bert.BertEncoder} returns the pooled embedding (batch, hidden) itself; ONNX
 * Runtime running the original file returns its {@code last_hidden_state} (batch, tokens, hidden),
 * which is pooled and normalised here with the same {@link SentencePooling}.
 */
public class TextEmbeddingTranslator implements Translator<String, float[]> {

    private static final String MASK = "attention_mask";

    private final SentenceTokenizer tokenizer;

    /**
     * @param tokenizer the tokenizer (the translator does not close it)
     */
    public TextEmbeddingTranslator(SentenceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * A translator for all-MiniLM-L6-v2 with its own tokenizer.
     *
     * @return the translator
     * @throws IOException when the tokenizer resource cannot be read
     */
    public static TextEmbeddingTranslator miniLm() throws IOException {
        return new TextEmbeddingTranslator(SentenceTokenizer.miniLm());
    }

    /**
     * @return the tokenizer
     */
    public SentenceTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, String input) {
        return batchProcessInput(ctx, List.of(input));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return batchProcessOutput(ctx, list).get(0);
    }

    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<String> inputs) {
        SentenceTokenizer.Batch batch = tokenizer.encode(inputs);
        NDList in = batch.toNDList(ctx.getNDManager()); // 3 x (B, T) int64
        ctx.setAttachment(MASK, in.get(1));
        return in;
    }

    @Override
    public List<float[]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        NDArray out = list.get(0);
        NDArray sentences; // (B, H)
        if (out.getShape().dimension() == 3) {
            // ONNX Runtime: last_hidden_state (B, T, H), pooled here
            sentences = SentencePooling.meanNormalized(out, (NDArray) ctx.getAttachment(MASK));
        } else {
            sentences = out; // the DJL block pooled already
        }
        int n = (int) sentences.getShape().get(0);
        List<float[]> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            result.add(sentences.get(i).toFloatArray());
        }
        return result;
    }

    @Override
    public Batchifier getBatchifier() {
        // batches are tokenised together in batchProcessInput; DJL's batch predict calls it
        return Batchifier.STACK;
    }
}
