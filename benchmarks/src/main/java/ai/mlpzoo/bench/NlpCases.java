package ai.mlpzoo.bench;

import ai.djl.Application;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.zoo.MlpZoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The NLP cases (issue 20): sentences per second of the zoo's MiniLM sentence embeddings
 * (all-MiniLM-L6-v2: 6 layers, width 384, 12 heads, MLP 1536, mean pooling over the mask and L2
 * normalisation), one {@code Predictor.batchPredict} of 32 sentences of 64 tokens each, as a user
 * embeds a batch: {@code minilm_embed_pytorch} (our BERT blocks on PyTorch) and {@code
 * minilm_embed_onnxruntime} (the original ONNX file on ONNX Runtime). The step includes the
 * tokenizer (Hugging Face's, a small part of it).
 */
final class NlpCases implements CaseGroup {

    /** Sentences per step. */
    static final int BATCH = 32;

    /** Words per sentence: each is one WordPiece token, so 62 words + [CLS] + [SEP] = 64. */
    static final int WORDS = 62;

    /** Common English words that BERT's uncased vocabulary holds whole. */
    private static final String[] VOCAB = {
        "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by",
        "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an",
        "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there",
        "been"
    };

    @Override
    public List<String> names() {
        return List.of("minilm_embed_pytorch", "minilm_embed_onnxruntime");
    }

    @Override
    public BenchCase create(String name, Cases.Options o) {
        switch (name) {
            case "minilm_embed_pytorch":
                return new EmbedCase(name, "PyTorch");
            case "minilm_embed_onnxruntime":
                return new EmbedCase(name, PredictorCase.ONNX);
            default:
                return null;
        }
    }

    /**
     * @return the fixed batch: {@link #BATCH} sentences of {@link #WORDS} words, seed 42
     */
    static List<String> sentences() {
        Random r = new Random(Harness.SEED);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < WORDS; w++) {
                sb.append(w == 0 ? "" : " ").append(VOCAB[r.nextInt(VOCAB.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** One batchPredict of the zoo's minilm on one engine. */
    static final class EmbedCase extends BenchCase {

        private final String engine;
        private ZooModel<String, float[]> model;
        private Predictor<String, float[]> predictor;
        private List<String> batch;

        EmbedCase(String name, String engine) {
            super(name, Double.NaN, 3, 20);
            this.engine = engine;
        }

        @Override
        public void setup() throws Exception {
            if (!Engine.hasEngine(engine)) {
                throw new Skipped("the " + engine + " engine is not on the classpath");
            }
            Criteria<String, float[]> c =
                    Criteria.builder()
                            .setTypes(String.class, float[].class)
                            .optApplication(Application.NLP.TEXT_EMBEDDING)
                            .optGroupId("ai.mlpzoo")
                            .optArtifactId("minilm")
                            .optEngine(engine)
                            .build();
            model = MlpZoo.loadModel(c);
            predictor = model.newPredictor();
            batch = sentences();
        }

        @Override
        public void step() throws Exception {
            List<float[]> out = predictor.batchPredict(batch);
            if (out.size() != BATCH || out.get(BATCH - 1).length != 384) {
                throw new IllegalStateException(
                        name() + ": expected " + BATCH + " embeddings of 384, got " + out.size());
            }
        }

        @Override
        public void report(double[] sortedMs, Map<String, String> extras) {
            double median = BenchResult.percentile(sortedMs, 50);
            extras.put(
                    "sentences_per_s", String.format(Locale.ROOT, "%.1f", BATCH / (median / 1e3)));
            if (!PredictorCase.ONNX.equals(engine)) {
                // ONNX Runtime's block is the file's graph, its weights are not parameters
                extras.put("params", Long.toString(trainableParameters(model.getBlock())));
            }
        }

        @Override
        public void close() {
            if (predictor != null) {
                predictor.close();
            }
            if (model != null) {
                model.close();
            }
        }
    }
}
