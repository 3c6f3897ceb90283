package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.mlpzoo.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 graph of {@link Int8Quantizer} on the zoo's trained Fashion-MNIST Mixer: it loads and
 * runs on ONNX Runtime, every constant-weight MatMul became a MatMulInteger, and its logits stay
 * within 0.25 of the float32 graph's (they span about 20) on 32 test images, whose top-1 class
 * changes only where float32's top two logits are closer than twice that difference (at most 2 of
 * 32).
 */
class Int8QuantizerTest {

    @TempDir Path tmp;

    @Test
    void mixerInt8RunsOnOnnxRuntimeCloseToFloat32() throws Exception {
        Criteria<NDList, NDList> c =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("mixer")
                        .optFilter("variant", "fmnist")
                        .optEngine("PyTorch")
                        .build();
        Path dir = tmp.resolve("mixer");
        try (ZooModel<NDList, NDList> zoo = c.loadModel()) {
            OnnxModelDirs.export(zoo, dir);
        }
        Path int8 = OnnxModelDirs.quantizeInt8(dir);
        assertEquals(Int8Quantizer.FILE_NAME, int8.getFileName().toString());
        assertTrue(Files.exists(dir.resolve(Int8Quantizer.FILE_NAME + ".sha256")));

        ModelProto fp32 = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        ModelProto q = ModelProto.parseFrom(Files.readAllBytes(int8));
        long matmuls = count(fp32, "MatMul");
        assertTrue(matmuls > 0);
        // the Mixer's products all have constant weights: none is left in float
        assertEquals(0, count(q, "MatMul"));
        assertEquals(matmuls, count(q, "MatMulInteger"));
        assertEquals(matmuls, count(q, "DynamicQuantizeLinear"));
        assertTrue(
                Files.size(int8) < Files.size(dir.resolve("model.onnx")) / 2,
                "int8 weights should make the file less than half the size");

        FashionMnist test = FashionMnist.embeddedTestSlice();
        int n = 32;
        int[] idx = new int[n];
        java.util.Arrays.setAll(idx, i -> 3 * i);
        float[] x;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            x = test.batch(m, idx).toFloatArray();
        }
        Shape shape = new Shape(n, 1, 28, 28);
        float[] ref = run(dir, "model", x, shape);
        float[] got = run(dir, Int8Quantizer.MODEL_NAME, x, shape);
        assertEquals(n * 10, got.length);
        double diff = OrtRunner.maxAbsDiff(ref, got);
        assertTrue(diff < 0.25, "int8 logits differ from float32 by " + diff);
        int agree = 0;
        for (int i = 0; i < n; i++) {
            int top = argMax(ref, i * 10, 10);
            boolean same = top == argMax(got, i * 10, 10);
            agree += same ? 1 : 0;
            // a class can only change where float32's top two are closer than the logit error
            if (margin(ref, i * 10, 10, top) > 2 * diff) {
                assertTrue(same, "image " + i + " changed class with a margin above 2 x " + diff);
            }
        }
        System.out.printf(
                "int8 vs float32: max logit diff %.4f, top-1 agreement %d/%d%n", diff, agree, n);
        assertTrue(agree >= n - 2, "top-1 agrees on only " + agree + " of " + n);
    }

    @Test
    void graphWithoutConstantProductIsRefused() {
        OnnxGraph g = new OnnxGraph("relu");
        String x = g.input("input", new long[] {-1, 4});
        g.reserve("output");
        g.output("output", g.node("Relu", "relu", List.of(x)), new long[] {-1, 4});
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> Int8Quantizer.quantize(g.build("t")));
        assertTrue(e.getMessage().contains("no MatMul with a constant weight"), e.getMessage());
    }

    @Test
    void quantizingADirectoryWithoutOnnxNamesTheFix() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        Exception e =
                assertThrows(
                        java.nio.file.NoSuchFileException.class,
                        () -> OnnxModelDirs.quantizeInt8(dir));
        assertTrue(e.getMessage().contains("export it first"), e.getMessage());
    }

    private static long count(ModelProto m, String op) {
        return m.getGraph().getNodeList().stream()
                .map(NodeProto::getOpType)
                .filter(op::equals)
                .count();
    }

    /** The gap between the top logit and the runner-up. */
    private static float margin(float[] v, int from, int len, int top) {
        float second = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + len; i++) {
            if (i - from != top) {
                second = Math.max(second, v[i]);
            }
        }
        return v[from + top] - second;
    }

    private static int argMax(float[] v, int from, int len) {
        int best = from;
        for (int i = from; i < from + len; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best - from;
    }

    /**
     * The first output (logits) of the graph {@code <name>.onnx} in {@code dir} on ONNX Runtime.
     */
    private static float[] run(Path dir, String name, float[] data, Shape shape) throws Exception {
        try (Model model = Model.newInstance(name, "OnnxRuntime")) {
            model.load(dir);
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
                    NDManager m = model.getNDManager().newSubManager()) {
                NDArray in = m.create(data, shape);
                in.setName(OnnxExporter.INPUT);
                return p.predict(new NDList(in)).get(0).toFloatArray();
            }
        }
    }
}
