package ai.mlpzoo.nlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Application;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.zoo.MlpZoo;
import ai.mlpzoo.zoo.ZooEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The zoo's minilm, String to float[], on PyTorch and on ONNX Runtime. */
class MiniLmZooTest {

    private static final List<String> TEXTS =
            List.of(
                    "The zoo finds the model by its group and artifact.",
                    "",
                    "Sentence embeddings of similar sentences are close.",
                    "Similar sentences have close sentence embeddings.");

    private static Criteria<String, float[]> criteria(String engine) {
        return Criteria.builder()
                .setTypes(String.class, float[].class)
                .optApplication(Application.NLP.TEXT_EMBEDDING)
                .optGroupId("ai.mlpzoo")
                .optArtifactId("minilm")
                .optEngine(engine)
                .build();
    }

    private static List<float[]> embed(String engine) throws Exception {
        try (ZooModel<String, float[]> model = criteria(engine).loadModel();
                Predictor<String, float[]> p = model.newPredictor()) {
            List<float[]> batch = p.batchPredict(TEXTS);
            assertArrayEquals(batch.get(0), p.predict(TEXTS.get(0)), 1e-5f);
            return batch;
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void theZooListsMiniLmWithItsSize() throws Exception {
        ZooEntry e =
                MlpZoo.entries().stream()
                        .filter(x -> x.artifactId().equals("minilm"))
                        .findFirst()
                        .orElseThrow();
        assertEquals("nlp/text_embedding", e.application());
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            BertEncoder encoder = MiniLm.load(m);
            assertEquals(NamedParameters.count(encoder), e.parameters());
        }
    }

    @Test
    void pyTorchAndOnnxRuntimeGiveTheSameEmbeddings() throws Exception {
        List<float[]> pt = embed("PyTorch");
        List<float[]> ort = embed("OnnxRuntime");
        for (int i = 0; i < TEXTS.size(); i++) {
            assertEquals(384, pt.get(i).length);
            assertEquals(1.0, dot(pt.get(i), pt.get(i)), 1e-5);
            assertArrayEquals(ort.get(i), pt.get(i), 1e-4f, "text " + i);
        }
        // the paraphrases are far closer to each other than to an unrelated sentence
        double para = dot(pt.get(2), pt.get(3));
        double unrelated = dot(pt.get(0), pt.get(2));
        assertTrue(para > 0.8 && para > unrelated + 0.3, para + " vs " + unrelated);
    }
}
