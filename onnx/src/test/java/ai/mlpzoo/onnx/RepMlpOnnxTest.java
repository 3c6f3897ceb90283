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
import ai.mlpzoo.blocks.repmlp.RepMlpNet;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.RepMlpConfig;
import ai.mlpzoo.io.SafeTensors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RepMLPNet exported to ONNX, in its training structure and re-parameterised, runs on ONNX Runtime
 * like the reference: {@code output} and {@code pre_logits} of the training structure, {@code
 * output_deploy} of the deploy structure, within 1e-4, on both fixtures (repmlp_part_tiny has the
 * reference's partition scrambling).
 */
class RepMlpOnnxTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "vision2")
                .toAbsolutePath()
                .normalize();
    }

    private static RepMlpNet load(NDManager m, Path dir) throws Exception {
        ObjectNode json = (ObjectNode) Configs.MAPPER.readTree(dir.resolve("config.json").toFile());
        json.remove(List.of("reference", "family", "outputs"));
        json.put("model_type", RepMlpConfig.MODEL_TYPE);
        RepMlpConfig config =
                (RepMlpConfig) Configs.read(Configs.MAPPER.writeValueAsBytes(json), "fixture");
        RepMlpNet block = config.toBlock();
        block.initialize(m, DataType.FLOAT32, config.inputShape());
        Map<String, Parameter> params = NamedParameters.of(block);
        int loaded = 0;
        for (NDArray t : SafeTensors.read(m, dir.resolve("model.safetensors"))) {
            if (t.getName().endsWith("num_batches_tracked")) {
                continue;
            }
            Parameter p = params.get(t.getName());
            assertEquals(p.getArray().getShape(), t.getShape(), t.getName());
            t.copyTo(p.getArray());
            loaded++;
        }
        assertEquals(params.size(), loaded, "every parameter loaded");
        return block;
    }

    private static NDList runOrt(Path dir, NDArray input) throws Exception {
        try (Model model = Model.newInstance("model", "OnnxRuntime")) {
            model.load(dir);
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
                    NDManager om = model.getNDManager().newSubManager()) {
                NDArray x = om.create(input.toFloatArray(), input.getShape());
                x.setName(OnnxExporter.INPUT);
                NDList result = p.predict(new NDList(x));
                NDList copy = new NDList();
                for (NDArray a : result) {
                    NDArray c = input.getManager().create(a.toFloatArray(), a.getShape());
                    c.setName(a.getName());
                    copy.add(c);
                }
                return copy;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"repmlp_tiny", "repmlp_part_tiny"})
    void onnxRuntimeReproducesTrainingAndDeployOutputs(String fixture) throws Exception {
        Path trainDir = Files.createDirectories(tmp.resolve(fixture));
        Path deployDir = Files.createDirectories(tmp.resolve(fixture + "_deploy"));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            RepMlpNet block = load(m, reference().resolve(fixture));
            RepMlpNet deployed = block.reparameterize(m);
            OnnxExporter.write(
                    block, block.getInputShape(), trainDir.resolve(OnnxExporter.FILE_NAME));
            OnnxExporter.write(
                    deployed, deployed.getInputShape(), deployDir.resolve(OnnxExporter.FILE_NAME));
            NDList io = SafeTensors.read(m, reference().resolve(fixture + ".io.safetensors"));
            NDArray input = get(io, "input");
            NDList train = runOrt(trainDir, input);
            NDList deploy = runOrt(deployDir, input);
            String[][] pairs = {
                {"output", "output"}, {"pre_logits", "pre_logits"}, {"output", "output_deploy"}
            };
            for (int i = 0; i < pairs.length; i++) {
                NDArray got = get(i < 2 ? train : deploy, pairs[i][0]);
                NDArray want = get(io, pairs[i][1]);
                assertEquals(want.getShape(), got.getShape(), pairs[i][1]);
                double diff = OrtRunner.maxAbsDiff(got.toFloatArray(), want.toFloatArray());
                System.out.printf("%s ONNX Runtime parity: %s %.3g%n", fixture, pairs[i][1], diff);
                assertTrue(diff < 1e-4, fixture + " " + pairs[i][1] + " differs by " + diff);
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
