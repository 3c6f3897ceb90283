package ai.mlpzoo.nlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.blocks.bert.BertConfig;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 as our DJL block on PyTorch against ONNX Runtime running the original ONNX file,
 * on 335 real sentences: tokenisation identical to an independent WordPiece, embeddings within
 * 1e-4.
 */
class MiniLmParityTest {

    private static SentenceTokenizer tokenizer;
    private static Model djl;
    private static ZooModel<String, float[]> ort;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = SentenceTokenizer.miniLm();
        djl = Model.newInstance("minilm", "PyTorch");
        djl.setBlock(MiniLm.load(djl.getNDManager()));
        ort =
                Criteria.builder()
                        .setTypes(String.class, float[].class)
                        .optEngine("OnnxRuntime")
                        .optModelPath(MiniLm.onnxFile())
                        .optTranslator(new TextEmbeddingTranslator(tokenizer))
                        .build()
                        .loadModel();
    }

    @AfterAll
    static void close() {
        ort.close();
        djl.close();
        tokenizer.close();
    }

    @Test
    void theGraphGivesMiniLmsSizes() throws Exception {
        assertEquals(BertConfig.miniLmL6(), MiniLm.packagedWeights().config());
    }

    @Test
    void tokenisationIsIdenticalToTheReferenceWordPiece() {
        Corpus c = Corpus.get();
        assertTrue(c.texts.size() >= 300, "corpus of " + c.texts.size());
        SentenceTokenizer.Batch b = tokenizer.encode(c.texts);
        int truncated = 0;
        for (int i = 0; i < c.texts.size(); i++) {
            long[] expected = c.ids.get(i);
            assertEquals(expected.length, b.lengths()[i], "length of text " + i);
            long[] got = java.util.Arrays.copyOf(b.ids()[i], b.lengths()[i]);
            assertArrayEquals(expected, got, "ids of text " + i + ": " + c.texts.get(i));
            truncated += b.truncated()[i] ? 1 : 0;
            assertEquals(expected.length == MiniLm.MAX_LENGTH, b.truncated()[i], "text " + i);
        }
        assertEquals(1, truncated);
    }

    @Test
    void sentenceEmbeddingsMatchOnnxRuntime() throws Exception {
        // batched by length, as one would in production: a batch pads to its longest text
        List<String> texts = new java.util.ArrayList<>(Corpus.get().texts);
        texts.sort(java.util.Comparator.comparingInt(String::length));
        double worst = 0;
        double worstCos = 1;
        TextEmbeddingTranslator translator = new TextEmbeddingTranslator(tokenizer);
        try (Predictor<String, float[]> ours = djl.newPredictor(translator);
                Predictor<String, float[]> theirs = ort.newPredictor()) {
            for (int from = 0; from < texts.size(); from += 32) {
                List<String> batch = texts.subList(from, Math.min(texts.size(), from + 32));
                List<float[]> a = ours.batchPredict(batch);
                List<float[]> b = theirs.batchPredict(batch);
                for (int i = 0; i < batch.size(); i++) {
                    assertEquals(384, a.get(i).length);
                    double dot = 0;
                    double norm = 0;
                    for (int k = 0; k < 384; k++) {
                        worst = Math.max(worst, Math.abs(a.get(i)[k] - b.get(i)[k]));
                        dot += a.get(i)[k] * b.get(i)[k];
                        norm += a.get(i)[k] * a.get(i)[k];
                    }
                    assertEquals(1.0, norm, 1e-5, "unit length, text " + (from + i));
                    worstCos = Math.min(worstCos, dot);
                }
            }
            // one text alone (no padding) gives the same as inside a padded batch
            float[] alone = ours.predict(texts.get(3));
            float[] inBatch = ours.batchPredict(texts.subList(0, 8)).get(3);
            assertArrayEquals(inBatch, alone, 1e-5f);
        }
        System.out.printf(
                "MiniLM parity over %d texts: max |DJL - ORT| = %.3g, min cosine = %.9f%n",
                texts.size(), worst, worstCos);
        assertTrue(worst < 1e-4, "max abs difference " + worst);
    }
}
