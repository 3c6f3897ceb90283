package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pretrained Fashion-MNIST zoo models: exported beside their DJL files, the same model
 * directory loads on ONNX Runtime through Criteria and agrees with PyTorch on real images at batch
 * sizes 1 and 17; PyTorch stays the default engine with both on the classpath.
 */
class OnnxZooModelsTest {

    @TempDir Path tmp;

    @Test
    void pyTorchStaysTheDefaultEngine() {
        assertEquals("PyTorch", Engine.getDefaultEngineName());
        assertTrue(Engine.hasEngine("OnnxRuntime"));
    }

    @Test
    void modelDirWithoutOnnxFileNamesTheFix() throws Exception {
        // a model directory as mlpzoo train or import writes it: DJL files, no model.onnx yet
        Path dir = tmp.resolve("no-onnx");
        ai.mlpzoo.config.MixerConfig config = ai.mlpzoo.config.Configs.mixerVariant("mixer_fmnist");
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.nn.Block block = config.toBlock();
            block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, config.inputShape());
            ai.mlpzoo.zoo.ModelDirs.save(dir, config, block, null, null);
        }
        Criteria<NDList, NDList> c =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(dir)
                        .optEngine("OnnxRuntime")
                        .build();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, c::loadModel);
        String msg =
                String.valueOf(e.getMessage())
                        + (e.getCause() == null ? "" : " / " + e.getCause().getMessage());
        assertTrue(msg.contains("no model.onnx") && msg.contains("export-onnx"), msg);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mixer", "resmlp", "gmlp"})
    void sameModelDirOnBothEnginesOnRealImages(String artifact) throws Exception {
        Criteria<NDList, NDList> zoo =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId(artifact)
                        .optFilter("variant", "fmnist")
                        .optEngine("PyTorch")
                        .build();
        Path dir = tmp.resolve(artifact);
        try (ZooModel<NDList, NDList> pt = zoo.loadModel()) {
            Path file = OnnxModelDirs.export(pt, dir);
            assertTrue(Files.size(file) > 100_000, "model.onnx holds the weights");
        }
        assertTrue(
                Files.isRegularFile(dir.resolve("model-0000.params")),
                "DJL files copied beside model.onnx");
        FashionMnist test = FashionMnist.embeddedTestSlice();
        for (int batch : new int[] {1, 17}) {
            int[] idx = new int[batch];
            for (int i = 0; i < batch; i++) {
                idx[i] = 3 * i + batch;
            }
            float[] x;
            Shape shape;
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                NDArray images = test.batch(m, idx);
                x = images.toFloatArray();
                shape = images.getShape();
            }
            Map<String, float[]> expected = run(dir, "PyTorch", x, shape);
            Map<String, float[]> actual = run(dir, "OnnxRuntime", x, shape);
            for (String out : new String[] {"output", "pre_logits"}) {
                double d = OrtRunner.maxAbsDiff(expected.get(out), actual.get(out));
                System.out.printf(
                        "zoo %-7s batch %2d %-10s max |diff| %.3g%n", artifact, batch, out, d);
                assertTrue(d <= 1e-4, artifact + " batch " + batch + " " + out + ": " + d);
            }
        }
    }

    /** Loads the model directory with Criteria on an engine, as a user would. */
    static Map<String, float[]> run(Path dir, String engine, float[] x, Shape shape)
            throws Exception {
        Criteria<NDList, NDList> c =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(dir)
                        .optEngine(engine)
                        .build();
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        try (ZooModel<NDList, NDList> model = c.loadModel();
                Predictor<NDList, NDList> p = model.newPredictor();
                NDManager m = model.getNDManager().newSubManager()) {
            assertEquals(engine, model.getNDManager().getEngine().getEngineName());
            NDArray in = m.create(x, shape);
            in.setName(OnnxExporter.INPUT);
            NDList res = p.predict(new NDList(in));
            for (int i = 0; i < res.size(); i++) {
                NDArray a = res.get(i);
                String name =
                        a.getName() == null || a.getName().isEmpty()
                                ? (i == 0 ? "output" : "pre_logits")
                                : a.getName();
                out.put(name, a.toFloatArray());
            }
        }
        return out;
    }
}
