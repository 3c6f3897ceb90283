package ai.mlpzoo.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.translate.NoopTranslator;
import ai.mlpzoo.onnx.Int8Quantizer;
import ai.mlpzoo.onnx.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Inference of a block exported to ONNX and run on ONNX Runtime, in float32 or as the dynamically
 * quantised int8 graph ({@link Int8Quantizer}): the block is built with random weights, written to
 * a temporary directory (deleted on close), loaded once, and each step is one {@code predict} of a
 * fixed random batch.
 */
final class OrtInferCase extends BenchCase {

    private final Supplier<Block> factory;
    private final Shape batchShape;
    private final boolean int8;
    private Path dir;
    private Model model;
    private Predictor<NDList, NDList> predictor;
    private NDManager manager;
    private NDArray x;

    OrtInferCase(
            String name,
            Supplier<Block> factory,
            Shape batchShape,
            boolean int8,
            double flops,
            int warmup,
            int steps) {
        super(name, flops, warmup, steps);
        this.factory = factory;
        this.batchShape = batchShape;
        this.int8 = int8;
    }

    @Override
    public void setup() throws Exception {
        if (!Engine.hasEngine(PredictorCase.ONNX)) {
            throw new Skipped("the OnnxRuntime engine is not on the classpath");
        }
        dir = Files.createTempDirectory("mlpzoo-bench-onnx");
        try (NDManager build = NDManager.newBaseManager("PyTorch")) {
            Block block = factory.get();
            block.initialize(build, DataType.FLOAT32, batchShape);
            onnx.Onnx.ModelProto fp32 =
                    OnnxExporter.export(block, new Shape(1).addAll(batchShape.slice(1)));
            onnx.Onnx.ModelProto written = int8 ? Int8Quantizer.quantize(fp32) : fp32;
            Files.write(dir.resolve(OnnxExporter.FILE_NAME), written.toByteArray());
        }
        model = Model.newInstance("model", PredictorCase.ONNX);
        model.load(dir);
        predictor = model.newPredictor(new NoopTranslator());
        manager = model.getNDManager().newSubManager();
        java.util.Random r = new java.util.Random(42);
        float[] v = new float[(int) batchShape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        x = manager.create(v, batchShape);
        x.setName(OnnxExporter.INPUT);
    }

    @Override
    public void step() throws Exception {
        NDList out = predictor.predict(new NDList(x));
        out.head().getShape();
        out.close();
    }

    @Override
    public void close() throws Exception {
        if (predictor != null) {
            predictor.close();
        }
        if (manager != null) {
            manager.close();
        }
        if (model != null) {
            model.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
