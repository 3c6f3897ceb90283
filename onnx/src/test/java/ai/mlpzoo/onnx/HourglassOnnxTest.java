package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.hourglass.HourglassMlp;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.HourglassConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Hourglass MLP and its conventional counterpart exported to ONNX and run on ONNX Runtime give
 * PyTorch's {@code output} and {@code pre_logits} within 1e-4: the fixed random W_in travels as an
 * initialiser, every block shape, projection, norm and activation the config offers.
 */
class HourglassOnnxTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "variant:hourglass_fmnist",
                "variant:hourglass_conventional_fmnist",
                "{\"d_x\": 784, \"d_z\": 1024, \"d_h\": 64, \"L\": 2, \"d_y\": 10,"
                        + " \"input_projection\": \"learned\", \"activation\": \"relu\"}",
                "{\"d_x\": 784, \"d_z\": 64, \"d_h\": 8, \"L\": 2, \"d_y\": 7, \"norm\": \"none\","
                        + " \"projection_seed\": 5}",
                "{\"d_x\": 784, \"d_z\": 784, \"d_h\": 48, \"L\": 2, \"d_y\": 10,"
                        + " \"input_projection\": \"none\"}"
            })
    void onnxRuntimeMatchesPyTorch(String spec) throws Exception {
        HourglassConfig config =
                spec.startsWith("variant:")
                        ? (HourglassConfig) Configs.variant(spec.substring(8))
                        : (HourglassConfig)
                                Configs.read(
                                        ("{\"model_type\": \"hourglass\", " + spec.substring(1))
                                                .getBytes(StandardCharsets.UTF_8),
                                        "test.json");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            HourglassMlp block = config.toBlock();
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            OrtRunner.randomize(block, 17); // every weight and bias; W_in keeps its seeded values
            Path dir =
                    OrtRunner.export(block, config.inputShape(), tmp.resolve("m" + spec.length()));
            Shape shape = new Shape(3, config.dx);
            float[] x = OrtRunner.random(shape.size(), 4, 1.0);
            Map<String, float[]> want = OrtRunner.pytorch(block, x, shape);
            Map<String, float[]> got = OrtRunner.onnxRuntime(dir, x, shape);
            assertEquals(want.keySet(), got.keySet());
            for (String name : new String[] {"output", "pre_logits"}) {
                double diff = OrtRunner.maxAbsDiff(want.get(name), got.get(name));
                System.out.printf("hourglass %s ONNX Runtime parity: %s %.3g%n", spec, name, diff);
                assertTrue(diff < 1e-4, spec + " " + name + " differs by " + diff);
            }
            assertEquals(3 * config.dy, got.get("output").length);
        }
    }
}
