package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.translate.NoopTranslator;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vision2 families exported to ONNX and run on ONNX Runtime reproduce the reference fixtures'
 * {@code output} and {@code pre_logits} within 1e-4.
 */
class Vision2OnnxTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "vision2")
                .toAbsolutePath()
                .normalize();
    }

    /**
     * The fixture's checkpoint as a loaded block (the importer's work, without its module): the
     * reference's constructor arguments under {@code modelType}, descriptive keys dropped.
     */
    private static Block load(NDManager m, Path dir, String modelType, Shape[] inputShape)
            throws Exception {
        ObjectNode json = (ObjectNode) Configs.MAPPER.readTree(dir.resolve("config.json").toFile());
        json.remove(java.util.List.of("reference", "family", "outputs", "checkpoint", "name"));
        json.put("model_type", modelType);
        ModelConfig config = Configs.read(Configs.MAPPER.writeValueAsBytes(json), "fixture");
        Block block = config.toBlock();
        block.initialize(m, DataType.FLOAT32, config.inputShape());
        inputShape[0] = config.inputShape();
        Map<String, Parameter> params = NamedParameters.of(block);
        int loaded = 0;
        for (NDArray t : SafeTensors.read(m, dir.resolve("model.safetensors"))) {
            Parameter p = params.get(t.getName());
            assertEquals(p.getArray().getShape(), t.getShape(), t.getName());
            t.copyTo(p.getArray());
            loaded++;
        }
        assertEquals(params.size(), loaded, "every parameter loaded");
        return block;
    }

    @ParameterizedTest
    @CsvSource({"scaling_mlp_tiny, scaling_mlp"})
    void onnxRuntimeReproducesTheFixture(String fixture, String modelType) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(fixture));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Shape[] inShape = new Shape[1];
            Block block = load(m, reference().resolve(fixture), modelType, inShape);
            OnnxExporter.write(block, inShape[0], dir.resolve(OnnxExporter.FILE_NAME));
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
