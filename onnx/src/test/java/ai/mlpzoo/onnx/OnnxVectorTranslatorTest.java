package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.DeferredTranslatorFactory;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.translate.SparseFeatures;
import ai.mlpzoo.translate.VectorTranslatorFactory;
import ai.mlpzoo.zoo.ModelDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vector translators (KAN regression, SAE sparse features) on a model directory exported with
 * model.onnx give the same answers on both engines, one vector at a time and in a batch of 17.
 */
class OnnxVectorTranslatorTest {

    @TempDir Path tmp;

    private Path modelDir(String json, String name) throws Exception {
        ModelConfig config = Configs.read(json.getBytes(StandardCharsets.UTF_8), name);
        Block block = config.toBlock();
        Path dir = tmp.resolve(name);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            OrtRunner.randomize(block, 11);
            ModelDirs.save(
                    dir,
                    config,
                    block,
                    null,
                    Map.of("translatorFactory", VectorTranslatorFactory.class.getName()));
        }
        Criteria<NDList, NDList> c =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(dir)
                        .optEngine("PyTorch")
                        .build();
        try (ZooModel<NDList, NDList> pt = c.loadModel()) {
            OnnxModelDirs.export(pt, dir); // model.onnx beside the DJL files, in place
        }
        return dir;
    }

    private static <O> List<O> predict(Path dir, String engine, Class<O> out, List<float[]> inputs)
            throws Exception {
        Criteria<float[], O> c =
                Criteria.builder()
                        .setTypes(float[].class, out)
                        .optModelPath(dir)
                        .optEngine(engine)
                        .optTranslatorFactory(new DeferredTranslatorFactory())
                        .build();
        try (ZooModel<float[], O> model = c.loadModel();
                Predictor<float[], O> p = model.newPredictor()) {
            List<O> res = new ArrayList<>(p.batchPredict(inputs));
            res.add(p.predict(inputs.get(0)));
            return res;
        }
    }

    private static List<float[]> vectors(int n, int d) {
        List<float[]> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            v.add(OrtRunner.random(d, 100 + i, 1.0));
        }
        return v;
    }

    @Test
    void kanRegressionOnBothEngines() throws Exception {
        Path dir =
                modelDir(
                        "{\"model_type\":\"kan_bspline\",\"name\":\"kan\",\"layers_hidden\":[6,8,3]}",
                        "kan");
        List<float[]> in = vectors(17, 6);
        List<float[]> pt = predict(dir, "PyTorch", float[].class, in);
        List<float[]> ort = predict(dir, "OnnxRuntime", float[].class, in);
        assertEquals(18, ort.size());
        double max = 0;
        for (int i = 0; i < pt.size(); i++) {
            assertEquals(3, ort.get(i).length);
            max = Math.max(max, OrtRunner.maxAbsDiff(pt.get(i), ort.get(i)));
        }
        System.out.printf("KAN float[] translator: PyTorch vs ONNX Runtime max |diff| %.3g%n", max);
        assertTrue(max <= 1e-4, "max |diff| " + max);
    }

    @Test
    void topKSaeFeaturesOnBothEngines() throws Exception {
        Path dir =
                modelDir(
                        "{\"model_type\":\"sae\",\"name\":\"sae\",\"architecture\":\"topk\",\"d_in\":16,\"d_sae\":48,\"k\":5}",
                        "sae");
        List<float[]> in = vectors(17, 16);
        List<SparseFeatures> pt = predict(dir, "PyTorch", SparseFeatures.class, in);
        List<SparseFeatures> ort = predict(dir, "OnnxRuntime", SparseFeatures.class, in);
        for (int i = 0; i < pt.size(); i++) {
            assertArrayEquals(
                    pt.get(i).indices(), ort.get(i).indices(), "active latents of vector " + i);
            assertTrue(OrtRunner.maxAbsDiff(pt.get(i).values(), ort.get(i).values()) <= 1e-4);
            assertTrue(ort.get(i).size() <= 5, "TopK keeps at most k latents");
        }
    }
}
