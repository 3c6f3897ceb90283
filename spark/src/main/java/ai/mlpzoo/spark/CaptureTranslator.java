package ai.mlpzoo.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.mlpzoo.nlp.SentenceTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text to the rows of a hook point of MiniLM, one row per real token ([CLS] and [SEP] included,
 * padding dropped), each of the point's width ({@code attention.hook_z} flattened to heads x
 * d_head): what {@code mlpzoo capture} stores. Batches are tokenised together and padded to a
 * multiple of 32 tokens as {@code mlpzoo capture} pads them (the masked padding changes no real
 * token's value); texts longer than 256 tokens are truncated as sentence-transformers does, and the
 * tokenizer says so in the log.
 */
final class CaptureTranslator implements Translator<String, float[][]> {

    private static final String LENGTHS = "lengths";

    /** Shapes padded to a multiple of this many tokens, as {@code mlpzoo capture}. */
    static final int PAD_TO = 32;

    private final SentenceTokenizer tokenizer;
    private final HookTap tap;

    CaptureTranslator(SentenceTokenizer tokenizer, HookTap tap) {
        this.tokenizer = tokenizer;
        this.tap = tap;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, String input) {
        return batchProcessInput(ctx, List.of(input));
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        return batchProcessOutput(ctx, list).get(0);
    }

    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<String> inputs) {
        SentenceTokenizer.Batch b = padded(tokenizer.encode(inputs, true), tokenizer.maxLength());
        ctx.setAttachment(LENGTHS, b.lengths());
        tap.arm(); // this thread's next forward pass is recorded
        return b.toNDList(ctx.getNDManager()); // 3 x (B, T) int64
    }

    @Override
    public List<float[][]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        NDArray a = tap.take(); // (B, T, ...) at the hook point
        int[] lengths = (int[]) ctx.getAttachment(LENGTHS);
        Shape s = a.getShape();
        int tokens = (int) s.get(1);
        int width = (int) (s.size() / (s.get(0) * s.get(1)));
        float[] all = a.toType(DataType.FLOAT32, false).toFloatArray();
        List<float[][]> out = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            float[][] rows = new float[lengths[i]][];
            for (int t = 0; t < lengths[i]; t++) {
                int from = (i * tokens + t) * width;
                rows[t] = Arrays.copyOfRange(all, from, from + width);
            }
            out.add(rows);
        }
        return out;
    }

    @Override
    public Batchifier getBatchifier() {
        // batches are tokenised together in batchProcessInput, as TextEmbeddingTranslator's
        return Batchifier.STACK;
    }

    /** The batch padded to a multiple of {@value #PAD_TO} tokens, at most the maximum length. */
    static SentenceTokenizer.Batch padded(SentenceTokenizer.Batch b, int maxLength) {
        int t = b.tokens();
        int to = Math.min(maxLength, (t + PAD_TO - 1) / PAD_TO * PAD_TO);
        if (to <= t) {
            return b;
        }
        return new SentenceTokenizer.Batch(
                pad(b.ids(), to),
                pad(b.attentionMask(), to),
                pad(b.typeIds(), to),
                b.lengths(),
                b.truncated());
    }

    private static long[][] pad(long[][] a, int to) {
        long[][] out = new long[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = Arrays.copyOf(a[i], to); // [PAD] is id 0, mask 0, type 0
        }
        return out;
    }
}
