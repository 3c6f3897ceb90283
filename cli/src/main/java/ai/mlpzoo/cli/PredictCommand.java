package ai.mlpzoo.cli;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.blocks.common.InputContract;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.zoo.ModelDirs;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlpzoo predict --model <dir> --input in.safetensors --output out.safetensors}: runs the
 * model in inference mode on the batch named {@code input} and writes every output under its name
 * ({@code output}, and {@code pre_logits} or {@code feature_acts} where the model has them). The
 * batch is checked once against the model's {@link InputContract} (shape, NaN) before it runs: the
 * forward passes themselves do not check.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Run a model directory on the tensor named 'input' of a safetensors file.")
final class PredictCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "<model-dir>",
            description = "model directory")
    Path model;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "<in.safetensors>",
            description = "holds 'input', a batch")
    Path input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "<out.safetensors>",
            description = "file to write")
    Path output;

    @Option(
            names = "--engine",
            defaultValue = "PyTorch",
            description = "DJL engine (default: ${DEFAULT-VALUE})")
    String engine;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(model)) {
            throw new NoSuchFileException(model.toString(), null, "model directory not found");
        }
        ai.mlpzoo.zoo.ModelDirs.checkSafe(model); // data only, before DJL reads it
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(model)
                        .optEngine(engine)
                        .build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> zooModel = criteria.loadModel();
                Predictor<NDList, NDList> predictor = zooModel.newPredictor()) {
            NDList in = SafeTensors.read(manager, input);
            NDArray batch = find(in, "input");
            InputContract.check(contract(zooModel.getBlock()), batch, "input");
            NDList result = predictor.predict(new NDList(batch));
            NDList named = new NDList();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < result.size(); i++) {
                NDArray a = result.get(i);
                String name =
                        a.getName() == null || a.getName().isEmpty()
                                ? (i == 0 ? "output" : "output_" + i)
                                : a.getName();
                a.setName(name);
                if (a.getDataType().isFloating()) {
                    // Checked in Java: ONNX Runtime's arrays have no isNaN.
                    ai.mlpzoo.translate.Finite.requireFiniteOutput(
                            a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(),
                            name);
                }
                named.add(a);
                names.add(name + " " + a.getShape());
            }
            SafeTensors.write(named, output);
            System.out.println("wrote " + String.join(", ", names) + " to " + output);
        }
        return 0;
    }

    /**
     * The block whose contract the input must meet: the loaded one, or, on an engine that runs the
     * model as a foreign graph (ONNX Runtime), a never-initialised block of the architecture the
     * directory describes, which states the same contract.
     */
    private Block contract(Block loaded) throws java.io.IOException {
        if (loaded instanceof InputContract
                || !Files.isRegularFile(model.resolve(ModelDirs.ARCHITECTURE))) {
            return loaded;
        }
        return ModelDirs.readArchitecture(model).toBlock();
    }

    private static NDArray find(NDList list, String name) {
        List<String> names = new ArrayList<>();
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
            names.add(a.getName());
        }
        throw new IllegalArgumentException(
                "input file has no tensor named '"
                        + name
                        + "' (it has: "
                        + String.join(", ", names)
                        + ")");
    }
}
