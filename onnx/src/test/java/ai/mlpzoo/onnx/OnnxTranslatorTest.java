package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image translator (serving.properties) gives the same classifications on both engines. */
class OnnxTranslatorTest {

    @TempDir Path tmp;

    @Test
    void imageClassifierAgreesAcrossEngines() throws Exception {
        Path dir = tmp.resolve("gmlp");
        Criteria<NDList, NDList> zoo =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("gmlp")
                        .optFilter("variant", "fmnist")
                        .optEngine("PyTorch")
                        .build();
        try (ZooModel<NDList, NDList> pt = zoo.loadModel()) {
            OnnxModelDirs.export(pt, dir);
        }
        FashionMnist test = FashionMnist.embeddedTestSlice();
        int agree = 0;
        for (int i = 0; i < 8; i++) {
            Image img = FashionMnistImages.image(test, i);
            Classifications a = classify(dir, "PyTorch", img);
            Classifications b = classify(dir, "OnnxRuntime", img);
            assertEquals(a.best().getClassName(), b.best().getClassName(), "image " + i);
            for (String cls : FashionMnist.CLASSES) {
                double d = Math.abs(a.get(cls).getProbability() - b.get(cls).getProbability());
                assertTrue(d <= 1e-4, "image " + i + " " + cls + ": " + d);
            }
            if (a.best().getClassName().equals(FashionMnist.CLASSES[test.labels()[i]])) {
                agree++;
            }
        }
        assertTrue(agree >= 6, "the trained gMLP classifies most images right: " + agree + "/8");
    }

    static Classifications classify(Path dir, String engine, Image img) throws Exception {
        Criteria<Image, Classifications> c =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optModelPath(dir)
                        .optEngine(engine)
                        .optTranslatorFactory(new ai.djl.translate.DeferredTranslatorFactory())
                        .optArgument("topK", 10)
                        .build();
        try (ZooModel<Image, Classifications> model = c.loadModel();
                Predictor<Image, Classifications> p = model.newPredictor()) {
            return p.predict(img);
        }
    }
}
