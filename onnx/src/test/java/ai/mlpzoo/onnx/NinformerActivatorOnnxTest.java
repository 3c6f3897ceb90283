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
import ai.mlpzoo.blocks.activator.Activator;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.common.PooledClassifier;
import ai.mlpzoo.blocks.ninformer.NiNformer;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NiNformer and Activator exported to ONNX and run on ONNX Runtime reproduce the reference
 * fixtures' {@code output} and {@code pre_logits} ({@code vision2/ninformer_tiny}, {@code
 * vision2/activator_tiny}) within 1e-4.
 */
class NinformerActivatorOnnxTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "vision2")
                .toAbsolutePath()
                .normalize();
    }

    /** The fixture's checkpoint as a loaded block, each tensor found by the reference's key. */
    private static PooledClassifier load(NDManager m, Path dir) throws Exception {
        ObjectNode json = (ObjectNode) Configs.MAPPER.readTree(dir.resolve("config.json").toFile());
        String family = json.get("family").asText();
        json.remove(List.of("reference", "family", "outputs", "input_size"));
        json.put("model_type", family);
        ModelConfig config = Configs.read(Configs.MAPPER.writeValueAsBytes(json), "fixture");
        PooledClassifier block = (PooledClassifier) config.toBlock();
        block.initialize(m, DataType.FLOAT32, config.inputShape());
        UnaryOperator<String> key =
                block instanceof NiNformer ? NiNformer::referenceKey : Activator::referenceKey;
        Map<String, NDArray> tensors = new HashMap<>();
        for (NDArray t : SafeTensors.read(m, dir.resolve("model.safetensors"))) {
            tensors.put(t.getName(), t);
        }
        Map<String, Parameter> params = NamedParameters.of(block);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray t = tensors.remove(key.apply(e.getKey()));
            assertEquals(e.getValue().getArray().getShape(), t.getShape(), e.getKey());
            t.copyTo(e.getValue().getArray());
        }
        assertTrue(tensors.isEmpty(), "every tensor loaded, left: " + tensors.keySet());
        return block;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ninformer_tiny", "activator_tiny"})
    void onnxRuntimeReproducesTheFixture(String fixture) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(fixture));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PooledClassifier block = load(m, reference().resolve(fixture));
            OnnxExporter.write(block, block.getInputShape(), dir.resolve(OnnxExporter.FILE_NAME));
            NDList io = SafeTensors.read(m, reference().resolve(fixture + ".io.safetensors"));
            NDArray input = get(io, "input");
            try (Model model = Model.newInstance("model", "OnnxRuntime")) {
                model.load(dir);
                try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
                        NDManager om = model.getNDManager().newSubManager()) {
                    NDArray x = om.create(input.toFloatArray(), input.getShape());
                    x.setName(OnnxExporter.INPUT);
                    NDList result = p.predict(new NDList(x));
                    for (String name : new String[] {"output", "pre_logits"}) {
                        NDArray got = get(result, name);
                        NDArray want = get(io, name);
                        assertEquals(want.getShape(), got.getShape(), name);
                        double diff = OrtRunner.maxAbsDiff(got.toFloatArray(), want.toFloatArray());
                        System.out.printf("%s ONNX Runtime parity: %s %.3g%n", fixture, name, diff);
                        assertTrue(diff < 1e-4, fixture + " " + name + " differs by " + diff);
                    }
                }
            }
        }
    }

    private static NDArray get(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no array named " + name + " in " + list);
    }
}
