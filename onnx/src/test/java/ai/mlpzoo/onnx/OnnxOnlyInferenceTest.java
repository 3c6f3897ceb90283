package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs in its own surefire execution with every PyTorch artifact removed from the class path (see
 * the onnx pom): the pretrained zoo models classify Fashion-MNIST images on ONNX Runtime alone,
 * through the zoo and the image translator.
 */
class OnnxOnlyInferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"mixer", "resmlp", "gmlp", "kan"})
    void pretrainedZooModelsClassifyWithoutPyTorch(String artifact) throws Exception {
        assertThrows(
                ClassNotFoundException.class,
                () -> Class.forName("ai.djl.pytorch.engine.PtEngine"));
        assertFalse(Engine.hasEngine("PyTorch"));
        assertEquals("OnnxRuntime", Engine.getDefaultEngineName());
        Criteria<Image, Classifications> c =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId(artifact)
                        .optFilter("variant", "fmnist")
                        .optEngine("OnnxRuntime")
                        .build();
        FashionMnist test = FashionMnist.embeddedTestSlice();
        int n = 200;
        int right = 0;
        try (ZooModel<Image, Classifications> model = c.loadModel();
                Predictor<Image, Classifications> p = model.newPredictor()) {
            for (int i = 0; i < n; i++) {
                Classifications out = p.predict(FashionMnistImages.image(test, i));
                if (out.best().getClassName().equals(FashionMnist.CLASSES[test.labels()[i]])) {
                    right++;
                }
            }
        }
        double acc = right / (double) n;
        System.out.printf(
                "ONNX Runtime only: %s/fmnist accuracy %.1f%% on %d embedded test images%n",
                artifact, 100 * acc, n);
        assertTrue(acc >= 0.85, artifact + " accuracy " + acc);
    }
}
