package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.translate.NoopTranslator;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.timeseries.timemixer.TimeMixer;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.TimeMixerConfig;
import ai.mlpzoo.io.SafeTensors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TimeMixer exported to ONNX and run on ONNX Runtime reproduces the reference fixtures within 1e-4:
 * the moving-average path (timemixer_tiny, written by the reference), max pooling without channel
 * independence with marks, and the DFT decomposition with channel independence and marks (its
 * batch-position dependence and the mark repeat order included).
 */
class TimeMixerOnnxTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference")
                .toAbsolutePath()
                .normalize()
                .resolve("timeseries");
    }

    /** The fixture's checkpoint as a loaded block (the importer's work, without its module). */
    private static TimeMixer load(NDManager m, Path dir) throws Exception {
        ObjectNode json = (ObjectNode) Configs.MAPPER.readTree(dir.resolve("config.json").toFile());
        json.remove("model");
        json.put("model_type", TimeMixerConfig.MODEL_TYPE);
        TimeMixerConfig config =
                (TimeMixerConfig) Configs.read(Configs.MAPPER.writeValueAsBytes(json), "fixture");
        TimeMixer block = config.toBlock();
        block.initialize(m, DataType.FLOAT32, config.inputShape());
        Map<String, Parameter> params = NamedParameters.of(block);
        int loaded = 0;
        for (NDArray t : SafeTensors.read(m, dir.resolve("model.safetensors"))) {
            Parameter p = params.get(t.getName());
            if (p != null) {
                assertEquals(p.getArray().getShape(), t.getShape(), t.getName());
                t.copyTo(p.getArray());
                loaded++;
            }
        }
        assertEquals(params.size(), loaded, "every parameter loaded");
        return block;
    }

    @ParameterizedTest
    @CsvSource({
        "timemixer_tiny, false",
        "timemixer_mixed_marks, true",
        "timemixer_ci_marks_dft, true"
    })
    void onnxRuntimeReproducesTheFixture(String fixture, boolean marks) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(fixture));
        NDList io;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TimeMixer block = load(m, reference().resolve(fixture));
            assertEquals(marks ? 4 : 0, block.timeFeatures());
            OnnxExporter.write(
                    block,
                    new ai.djl.ndarray.types.Shape(1, block.contextLength(), block.inputChannels()),
                    dir.resolve(OnnxExporter.FILE_NAME));
            checkWithOnnxChecker(dir.resolve(OnnxExporter.FILE_NAME));
            NDList read = SafeTensors.read(m, reference().resolve(fixture + ".io.safetensors"));
            io = new NDList();
            for (NDArray a : read) {
                io.add(a);
            }
            float[] input = get(io, "input").toFloatArray();
            ai.djl.ndarray.types.Shape inShape = get(io, "input").getShape();
            float[] mark = marks ? get(io, "input_mark").toFloatArray() : null;
            ai.djl.ndarray.types.Shape markShape = marks ? get(io, "input_mark").getShape() : null;
            float[] want = get(io, "output").toFloatArray();
            try (Model model = Model.newInstance("model", "OnnxRuntime")) {
                model.load(dir);
                try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
                        NDManager om = model.getNDManager().newSubManager()) {
                    NDArray x = om.create(input, inShape);
                    x.setName(OnnxExporter.INPUT);
                    NDList in = new NDList(x);
                    if (marks) {
                        NDArray mk = om.create(mark, markShape);
                        mk.setName(TimeMixerEmitter.MARKS);
                        in.add(mk);
                    }
                    NDArray got = p.predict(in).get(0);
                    assertEquals(get(io, "output").getShape(), got.getShape());
                    double diff = OrtRunner.maxAbsDiff(got.toFloatArray(), want);
                    System.out.printf("%s ONNX Runtime parity: output %.3g%n", fixture, diff);
                    assertTrue(diff < 1e-4, fixture + " differs by " + diff);
                }
            }
        }
    }

    /** The official checker (full_check: shape inference too), where python3-onnx exists. */
    private void checkWithOnnxChecker(Path file) throws Exception {
        String py = OnnxCheckerTest.python();
        if (py == null) {
            System.out.println("python3-onnx is not installed: onnx.checker skipped");
            return;
        }
        Process p =
                new ProcessBuilder(
                                py,
                                "-c",
                                "import sys, onnx, onnx.checker\n"
                                        + "m = onnx.load(sys.argv[1])\n"
                                        + "onnx.checker.check_model(m, full_check=True)\n"
                                        + "print('checked', len(m.graph.node), 'nodes')",
                                file.toString())
                        .directory(tmp.toFile())
                        .redirectErrorStream(true)
                        .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "checker finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("checked"), out);
    }

    private static NDArray get(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no array named " + name);
    }
}
