package ai.mlpzoo.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.translate.ImageClassifierFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real weights for an architecture come from an imported checkpoint: the imported directory loads
 * through Criteria with the image translator, which applies the checkpoint's own normalisation
 * (timm's mean 0.5, std 0.5 for this one).
 */
class ImportedCheckpointTest {

    @TempDir Path tmp;

    @Test
    void importedTimmCheckpointClassifiesRgbImagesWithItsOwnNormalisation() throws Exception {
        Path dir = tmp.resolve("mixer_tiny");
        Importers.get("timm").importCheckpoint(Fixtures.reference().resolve("mixer_tiny"), dir);
        Random r = new Random(9);
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        float[] chw = new float[3 * 32 * 32];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int[] rgb = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
                img.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
                for (int c = 0; c < 3; c++) {
                    chw[c * 1024 + y * 32 + x] = (rgb[c] / 255f - 0.5f) / 0.5f;
                }
            }
        }
        Image image = ImageFactory.getInstance().fromImage(img);
        Criteria<Image, Classifications> byImage =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optModelPath(dir)
                        .optTranslatorFactory(new ImageClassifierFactory())
                        .build();
        Criteria<NDList, NDList> byTensor =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(dir).build();
        try (NDManager m = NDManager.newBaseManager();
                ZooModel<Image, Classifications> a = byImage.loadModel();
                ZooModel<NDList, NDList> b = byTensor.loadModel();
                Predictor<Image, Classifications> pa = a.newPredictor();
                Predictor<NDList, NDList> pb = b.newPredictor()) {
            Classifications c = pa.predict(image);
            NDArray x = m.create(chw, new Shape(1, 3, 32, 32));
            float[] probs = pb.predict(new NDList(x)).get(0).softmax(-1).toFloatArray();
            assertEquals(10, c.getProbabilities().size());
            for (int k = 0; k < 10; k++) {
                assertEquals(probs[k], c.getProbabilities().get(k), 1e-6, "class " + k);
            }
            assertTrue(
                    c.getProbabilities().stream()
                                    .mapToDouble(Double::doubleValue)
                                    .max()
                                    .getAsDouble()
                            < 1.0);
        }
    }
}
