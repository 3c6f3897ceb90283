package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The timm fixtures of the second vision set (gMixer, PoolFormer), exported to ONNX and run on ONNX
 * Runtime: within 1e-4 of timm's own {@code output} and {@code pre_logits} for the fixture's input,
 * and of the PyTorch engine on random inputs at batch sizes 1 and 5.
 */
class TimmVision2OnnxTest {

    @TempDir Path tmp;

    static Path fixtures() {
        return Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "vision2")
                .toAbsolutePath();
    }

    /** The fixture's architecture: the registered timm variant with its model_args applied. */
    static ModelConfig config(Path checkpoint) throws Exception {
        JsonNode root = Configs.MAPPER.readTree(checkpoint.resolve("config.json").toFile());
        ObjectNode tree =
                (ObjectNode)
                        Configs.MAPPER.readTree(
                                Configs.toJson(Configs.variant(root.get("architecture").asText())));
        tree.setAll((ObjectNode) root.get("model_args"));
        tree.set("num_classes", root.get("num_classes"));
        JsonNode size = root.get("pretrained_cfg").get("input_size");
        tree.put("img_size", size.get(1).asInt());
        return Configs.read(Configs.MAPPER.writeValueAsBytes(tree), checkpoint.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gmixer_tiny", "poolformer_tiny"})
    void onnxRuntimeMatchesTimmAndPyTorch(String name) throws Exception {
        Path ckpt = fixtures().resolve(name);
        ModelConfig config = config(ckpt);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Block block = config.toBlock();
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            NDList weights = SafeTensors.read(m, ckpt.resolve("model.safetensors"));
            Map<String, Parameter> params = NamedParameters.of(block);
            assertEquals(weights.size(), params.size(), "tensor count");
            for (NDArray w : weights) {
                Parameter p = params.get(w.getName());
                assertTrue(p != null, "no parameter " + w.getName());
                w.copyTo(p.getArray());
            }
            Path dir = OrtRunner.export(block, config.inputShape(), tmp.resolve(name));
            assertTrue(Files.isRegularFile(dir.resolve(OnnxExporter.FILE_NAME)));

            NDList io = SafeTensors.read(m, fixtures().resolve(name + ".io.safetensors"));
            NDArray input = named(io, "input");
            Map<String, float[]> ort =
                    OrtRunner.onnxRuntime(dir, input.toFloatArray(), input.getShape());
            for (String out : new String[] {"output", "pre_logits"}) {
                double d = OrtRunner.maxAbsDiff(named(io, out).toFloatArray(), ort.get(out));
                System.out.printf("%s ONNX Runtime vs timm %-10s max |diff| %.3g%n", name, out, d);
                assertTrue(d <= 1e-4, name + " " + out + " vs timm: " + d);
            }
            for (int batch : new int[] {1, 5}) {
                Shape shape = new Shape(batch).addAll(config.inputShape().slice(1));
                float[] x = OrtRunner.random(shape.size(), 11L * batch, 1.0);
                Map<String, float[]> expected = OrtRunner.pytorch(block, x, shape);
                Map<String, float[]> actual = OrtRunner.onnxRuntime(dir, x, shape);
                assertEquals(expected.keySet(), actual.keySet(), "output names");
                for (String out : expected.keySet()) {
                    double d = OrtRunner.maxAbsDiff(expected.get(out), actual.get(out));
                    System.out.printf(
                            "%s ONNX Runtime vs PyTorch batch %d %-10s max |diff| %.3g%n",
                            name, batch, out, d);
                    assertTrue(d <= 1e-4, name + " batch " + batch + " " + out + ": " + d);
                }
            }
        }
    }

    /**
     * The PoolFormer v2 parts no fixture exercises (stem and downsampling LayerNorm2dNoBias,
     * GroupNorm1NoBias, StarReLU, bias-free MLPs, res scales): a small poolformerv2 with random
     * weights, ONNX Runtime against the PyTorch engine; and v1 with pool size 5.
     */
    @ParameterizedTest
    @ValueSource(strings = {"poolformerv2_s12", "poolformer_s24"})
    void poolFormerVariantsExportFaithfully(String variant) throws Exception {
        ObjectNode tree =
                (ObjectNode) Configs.MAPPER.readTree(Configs.toJson(Configs.variant(variant)));
        tree.set("depths", Configs.MAPPER.valueToTree(new int[] {1, 1, 2, 1}));
        tree.set("dims", Configs.MAPPER.valueToTree(new int[] {8, 16, 16, 24}));
        tree.put("img_size", 40);
        tree.put("in_chans", 2);
        tree.put("num_classes", 6);
        if (variant.startsWith("poolformer_")) {
            tree.put("pool_size", 5);
        }
        ModelConfig config = Configs.read(Configs.MAPPER.writeValueAsBytes(tree), variant);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Block block = config.toBlock();
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            OrtRunner.randomize(block, variant.hashCode());
            Path dir = OrtRunner.export(block, config.inputShape(), tmp.resolve(variant));
            for (int batch : new int[] {1, 5}) {
                Shape shape = new Shape(batch).addAll(config.inputShape().slice(1));
                float[] x = OrtRunner.random(shape.size(), 7L * batch, 1.0);
                Map<String, float[]> expected = OrtRunner.pytorch(block, x, shape);
                Map<String, float[]> actual = OrtRunner.onnxRuntime(dir, x, shape);
                assertEquals(expected.keySet(), actual.keySet(), "output names");
                for (String out : expected.keySet()) {
                    double d = OrtRunner.maxAbsDiff(expected.get(out), actual.get(out));
                    System.out.printf(
                            "%s ONNX Runtime vs PyTorch batch %d %-10s max |diff| %.3g%n",
                            variant, batch, out, d);
                    assertTrue(d <= 1e-4, variant + " batch " + batch + " " + out + ": " + d);
                }
            }
        }
    }

    private static NDArray named(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no " + name);
    }
}
