package ai.mlpzoo.onnx;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Test helpers: run a block on PyTorch and its export on ONNX Runtime, compare the outputs. */
final class OrtRunner {

    private OrtRunner() {}

    /**
     * Gives every weight and bias seeded random values (zero-initialised heads would hide errors).
     */
    static void randomize(Block block, long seed) {
        Random r = new Random(seed);
        for (Parameter p : ai.mlpzoo.blocks.common.NamedParameters.of(block).values()) {
            if (p.getType() == Parameter.Type.WEIGHT || p.getType() == Parameter.Type.BIAS) {
                NDArray a = p.getArray();
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * 0.3);
                }
                try (NDArray n = a.getManager().create(v, a.getShape())) {
                    n.copyTo(a);
                }
            }
        }
    }

    static float[] random(long n, long seed, double scale) {
        Random r = new Random(seed);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    /** The block's outputs on PyTorch, by output name. */
    static Map<String, float[]> pytorch(Block block, float[] data, Shape shape) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList res =
                    block.forward(
                            new ParameterStore(m, false), new NDList(m.create(data, shape)), false);
            java.util.List<String> names = OnnxExporter.outputNames(block);
            for (int i = 0; i < res.size(); i++) {
                out.put(names.get(i), res.get(i).toFloatArray());
            }
        }
        return out;
    }

    /** The exported model's outputs on ONNX Runtime, by output name. */
    static Map<String, float[]> onnxRuntime(Path dir, float[] data, Shape shape) throws Exception {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Model model = Model.newInstance("model", "OnnxRuntime")) {
            model.load(dir);
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
                    NDManager m = model.getNDManager().newSubManager()) {
                NDArray x = m.create(data, shape);
                x.setName(OnnxExporter.INPUT);
                NDList res = p.predict(new NDList(x));
                for (NDArray a : res) {
                    out.put(a.getName(), a.toFloatArray());
                }
            }
        }
        return out;
    }

    static Path export(Block block, Shape inputShape, Path dir) throws Exception {
        Files.createDirectories(dir);
        OnnxExporter.write(block, inputShape, dir.resolve(OnnxExporter.FILE_NAME));
        return dir;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            double e = Math.abs(a[i] - b[i]);
            if (Double.isNaN(e)) {
                return Double.NaN;
            }
            d = Math.max(d, e);
        }
        return d;
    }
}
