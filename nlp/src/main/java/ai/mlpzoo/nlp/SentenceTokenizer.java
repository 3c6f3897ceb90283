package ai.mlpzoo.nlp;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text to BERT inputs with DJL's Hugging Face tokenizers (the Rust {@code tokenizers} library that
 * sentence-transformers runs), offline. Texts longer than the maximum length are cut to it, as
 * sentence-transformers does (the end is dropped and [SEP] kept), and this is said: a warning in
 * the log and {@link Batch#truncated()}. A batch is padded to its longest text with [PAD] (id 0)
 * and mask 0.
 */
public final class SentenceTokenizer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(SentenceTokenizer.class);

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    /**
     * The tokenised batch, padded to its longest text.
     *
     * @param ids the token ids, (batch, tokens)
     * @param attentionMask 1 for tokens, 0 for padding, (batch, tokens)
     * @param typeIds the token type (segment) ids, all 0 for single texts, (batch, tokens)
     * @param lengths each text's length in tokens, [CLS] and [SEP] included
     * @param truncated which texts were cut to the maximum length
     */
    public record Batch(
            long[][] ids,
            long[][] attentionMask,
            long[][] typeIds,
            int[] lengths,
            boolean[] truncated) {

        /**
         * The batch as the model's inputs, named as the ONNX file's.
         *
         * @param manager the manager of the arrays
         * @return input_ids, attention_mask, token_type_ids, each (batch, tokens) int64
         */
        public NDList toNDList(NDManager manager) {
            NDArray idArray = manager.create(ids);
            idArray.setName("input_ids");
            NDArray mask = manager.create(attentionMask);
            mask.setName("attention_mask");
            NDArray types = manager.create(typeIds);
            types.setName("token_type_ids");
            return new NDList(idArray, mask, types);
        }

        /**
         * @return the padded length
         */
        public int tokens() {
            return ids.length == 0 ? 0 : ids[0].length;
        }

        /**
         * @return the shape of each input, (batch, tokens)
         */
        public Shape shape() {
            return new Shape(ids.length, tokens());
        }
    }

    private SentenceTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /**
     * The tokenizer of all-MiniLM-L6-v2 ({@value MiniLm#TOKENIZER_RESOURCE}), with {@link
     * MiniLm#MAX_LENGTH} tokens at most.
     *
     * @return the tokenizer
     * @throws IOException when the resource is missing or malformed
     */
    public static SentenceTokenizer miniLm() throws IOException {
        try (InputStream in = MiniLm.open(MiniLm.TOKENIZER_RESOURCE)) {
            return of(in, MiniLm.MAX_LENGTH);
        }
    }

    /**
     * A tokenizer from a Hugging Face tokenizer.json.
     *
     * @param json the file's content
     * @param maxLength the longest output in tokens, special tokens included; longer texts are
     *     truncated
     * @return the tokenizer
     * @throws IOException when the JSON cannot be read
     */
    public static SentenceTokenizer of(InputStream json, int maxLength) throws IOException {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must leave room for [CLS] and [SEP]");
        }
        // the file's own truncation (128) and fixed padding are replaced: we truncate to the
        // model's length and pad each batch to its longest text ourselves
        Map<String, String> options =
                Map.of(
                        "maxLength", Integer.toString(maxLength),
                        "truncation", "true",
                        "padding", "false",
                        "addSpecialTokens", "true");
        return new SentenceTokenizer(HuggingFaceTokenizer.newInstance(json, options), maxLength);
    }

    /**
     * @return the longest output in tokens
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Tokenises texts.
     *
     * @param texts the texts; an empty text gives [CLS] [SEP], as in sentence-transformers
     * @return the padded batch
     * @throws IllegalArgumentException when a text is null or there are none
     */
    public Batch encode(List<String> texts) {
        return encode(texts, true);
    }

    /**
     * Tokenises texts, optionally without the warning per truncated text (a caller that streams a
     * corpus counts {@link Batch#truncated()} and says it once).
     *
     * @param texts the texts
     * @param warnTruncation whether to log each truncated text
     * @return the padded batch
     * @throws IllegalArgumentException when a text is null or there are none
     */
    public Batch encode(List<String> texts, boolean warnTruncation) {
        if (texts == null || texts.isEmpty()) {
            throw new IllegalArgumentException("no text to tokenise: the batch is empty");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " of the batch is null");
            }
        }
        Encoding[] enc = tokenizer.batchEncode(texts);
        int n = enc.length;
        int longest = 0;
        for (Encoding e : enc) {
            longest = Math.max(longest, e.getIds().length);
        }
        long[][] ids = new long[n][longest];
        long[][] mask = new long[n][longest];
        long[][] types = new long[n][longest];
        int[] lengths = new int[n];
        boolean[] truncated = new boolean[n];
        for (int i = 0; i < n; i++) {
            long[] id = enc[i].getIds();
            lengths[i] = id.length;
            System.arraycopy(id, 0, ids[i], 0, id.length);
            System.arraycopy(enc[i].getTypeIds(), 0, types[i], 0, id.length);
            for (int t = 0; t < id.length; t++) {
                mask[i][t] = 1;
            }
            truncated[i] = enc[i].exceedMaxLength();
            if (truncated[i] && warnTruncation) {
                String text = texts.get(i);
                logger.warn(
                        "text {} ({} characters, \"{}...\") is longer than {} tokens: truncated to"
                                + " {}, as sentence-transformers does",
                        i,
                        text.length(),
                        text.substring(0, Math.min(40, text.length())),
                        maxLength,
                        maxLength);
            }
        }
        return new Batch(ids, mask, types, lengths, truncated);
    }

    /**
     * Each text's tokens as they appear in it, for showing activations token by token: a word piece
     * is the text from the end of the previous piece to its own end (so case, accents and the
     * spaces between words are kept, "##" continuations join their word), special tokens are
     * themselves ({@code [CLS]}, {@code [SEP]}). As many pieces as {@link #encode} gives tokens,
     * truncated alike.
     *
     * @param texts the texts
     * @return per text, its pieces
     * @throws IllegalArgumentException when a text is null or there are none
     */
    public List<String[]> pieces(List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw new IllegalArgumentException("no text to tokenise: the batch is empty");
        }
        Encoding[] enc = tokenizer.batchEncode(texts);
        List<String[]> out = new java.util.ArrayList<>(enc.length);
        for (int i = 0; i < enc.length; i++) {
            String text = texts.get(i);
            String[] tokens = enc[i].getTokens();
            long[] special = enc[i].getSpecialTokenMask();
            ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = enc[i].getCharTokenSpans();
            String[] p = new String[tokens.length];
            int prev = 0;
            for (int t = 0; t < tokens.length; t++) {
                ai.djl.huggingface.tokenizers.jni.CharSpan s = spans[t];
                if (special[t] != 0
                        || s == null
                        || s.getStart() < prev
                        || s.getEnd() > text.length()
                        || s.getEnd() < s.getStart()) {
                    // special, or a span that does not fit the text: the token itself
                    p[t] = special[t] != 0 || t == 0 ? tokens[t] : " " + tokens[t];
                    continue;
                }
                p[t] = text.substring(prev, s.getEnd());
                prev = s.getEnd();
            }
            out.add(p);
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
