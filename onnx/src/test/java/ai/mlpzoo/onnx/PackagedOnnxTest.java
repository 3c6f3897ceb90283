package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pretrained zoo models ship model.onnx beside their parameters (so that they serve on ONNX
 * Runtime without PyTorch); it must be exactly what export-onnx writes from those parameters, so
 * retrained weights without a fresh export fail here.
 */
class PackagedOnnxTest {

    @ParameterizedTest
    @ValueSource(strings = {"mixer", "resmlp", "gmlp", "kan"})
    void packagedModelOnnxIsAFreshExport(String artifact) throws Exception {
        String res = "/ai/mlpzoo/zoo/models/" + artifact + "/fmnist/model.onnx";
        byte[] packaged;
        try (InputStream is = PackagedOnnxTest.class.getResourceAsStream(res)) {
            assertNotNull(is, res + " is packaged");
            packaged = is.readAllBytes();
        }
        Criteria<NDList, NDList> c =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId(artifact)
                        .optFilter("variant", "fmnist")
                        .optEngine("PyTorch")
                        .build();
        try (ZooModel<NDList, NDList> model = c.loadModel()) {
            ai.mlpzoo.config.ModelConfig config =
                    ai.mlpzoo.zoo.ModelDirs.readArchitecture(model.getModelPath());
            ByteArrayOutputStream fresh = new ByteArrayOutputStream();
            OnnxExporter.export(model.getBlock(), config.inputShape()).writeTo(fresh);
            assertArrayEquals(
                    fresh.toByteArray(),
                    packaged,
                    res
                            + " is stale: run mlpzoo export-onnx --model "
                            + artifact
                            + "/fmnist and copy its model.onnx");
        }
    }
}
