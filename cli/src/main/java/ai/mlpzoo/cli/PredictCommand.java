package ai.mlpzoo.cli;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.InputContract;
import ai.mlpzoo.blocks.timeseries.Forecaster;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.zoo.EngineChoice;
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
 * ({@code output}, and {@code pre_logits} or {@code feature_acts} where the model has them); a
 * forecaster that takes time marks also gets {@code input_mark} (batch, context, features). The
 * batch is checked once against the model's {@link InputContract} (shape, NaN) before it runs: the
 * forward passes themselves do not check.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Run a model directory on the tensor named 'input' of a safetensors file.")
final class PredictCommand implements Callable<Integer> {

    /** The tensor of a forecaster's time marks in the input file. */
    static final String MARKS = "input_mark";

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
            description =
                    "holds 'input', a batch (and 'input_mark' for a forecaster that takes time"
                            + " marks)")
    Path input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "<out.safetensors>",
            description = "file to write")
    Path output;

    @Option(
            names = "--engine",
            defaultValue = EngineChoice.AUTO,
            description =
                    "DJL engine: PyTorch, OnnxRuntime, or auto: OnnxRuntime when the directory has"
                            + " model.onnx, else PyTorch; the choice is printed (default:"
                            + " ${DEFAULT-VALUE})")
    String engine;

    @Option(
            names = "--chunk",
            defaultValue = "256",
            description =
                    "items run at a time; outputs are concatenated, memory stays flat"
                            + " (default: ${DEFAULT-VALUE})")
    int chunk;

    @Option(
            names = "--precision",
            paramLabel = "fp32|bf16|int8",
            description = Precision.HELP + "; int8 runs on OnnxRuntime whatever --engine says")
    String precision;

    @Override
    public Integer call() throws Exception {
        Precision p = Precision.parse(precision);
        if (!Files.isDirectory(model)) {
            throw new NoSuchFileException(model.toString(), null, "model directory not found");
        }
        Criteria.Builder<NDList, NDList> b =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(model);
        if (p == Precision.INT8) {
            Precision.requireInt8(model, model.toString());
            engine = EngineChoice.ONNX;
            b.optModelName(ai.mlpzoo.onnx.Int8Quantizer.MODEL_NAME);
        } else {
            EngineChoice.Choice choice = EngineChoice.forDirectory(model, engine);
            if (choice.automatic()) {
                System.err.println(choice.line());
            }
            engine = choice.engine();
        }
        requireEngine(engine);
        ai.mlpzoo.zoo.ModelDirs.checkSafe(model); // data only, before DJL reads it
        if (p == Precision.INT8) {
            ai.mlpzoo.zoo.ModelDirs.verifyFile(
                    model.resolve(ai.mlpzoo.onnx.Int8Quantizer.FILE_NAME));
        }
        Criteria<NDList, NDList> criteria = b.optEngine(engine).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> zooModel = criteria.loadModel();
                Predictor<NDList, NDList> predictor = zooModel.newPredictor()) {
            NDList in = SafeTensors.read(manager, input);
            NDArray batch = find(in, "input", input);
            requireFloat(batch, input);
            Block contract = contract(zooModel.getBlock());
            InputContract.check(contract, batch, "input");
            NDArray marks = marks(contract, in, batch);
            NDList named = predictChunked(predictor, batch, marks, manager);
            List<String> names = new ArrayList<>();
            for (NDArray a : named) {
                names.add(a.getName() + " " + a.getShape());
            }
            SafeTensors.write(named, output);
            System.out.println("wrote " + String.join(", ", names) + " to " + output);
        }
        return 0;
    }

    /**
     * Runs the batch {@code chunk} items at a time and concatenates the outputs: a forward keeps
     * its intermediates until it returns (about 1.6 MB per Fashion-MNIST image), so one call on a
     * batch of 20,000 would need tens of gigabytes, while each chunk's arrays are freed (the
     * predictor's context and the chunk's sub-manager) before the next runs. Each chunk's outputs
     * are checked to be finite and copied to {@code manager} as they come.
     */
    NDList predictChunked(Predictor<NDList, NDList> predictor, NDArray batch, NDManager manager)
            throws ai.djl.translate.TranslateException {
        return predictChunked(predictor, batch, null, manager);
    }

    /**
     * As {@link #predictChunked(Predictor, NDArray, NDManager)}, with a second input cut into the
     * same chunks: a forecaster's time marks, or null.
     */
    NDList predictChunked(
            Predictor<NDList, NDList> predictor, NDArray batch, NDArray marks, NDManager manager)
            throws ai.djl.translate.TranslateException {
        if (chunk <= 0) {
            throw new IllegalArgumentException("--chunk must be positive, got " + chunk);
        }
        long n = batch.getShape().get(0);
        List<List<NDArray>> parts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (long start = 0; start < n; start += chunk) {
            long end = Math.min(n, start + chunk);
            try (NDManager sub = manager.newSubManager()) {
                NDArray part = batch.get(new NDIndex("{}:{}", start, end));
                part.attach(sub);
                NDList inputs = new NDList(part);
                if (marks != null) {
                    NDArray markPart = marks.get(new NDIndex("{}:{}", start, end));
                    markPart.attach(sub);
                    inputs.add(markPart);
                }
                NDList result = predictor.predict(inputs);
                try {
                    for (int i = 0; i < result.size(); i++) {
                        NDArray a = result.get(i);
                        if (parts.size() <= i) {
                            parts.add(new ArrayList<>());
                            names.add(
                                    a.getName() == null || a.getName().isEmpty()
                                            ? (i == 0 ? "output" : "output_" + i)
                                            : a.getName());
                        }
                        // Copied through a buffer: the engine's arrays (ONNX Runtime's too) are
                        // closed with the chunk, the copy lives in the PyTorch manager.
                        NDArray kept =
                                manager.create(a.toByteBuffer(), a.getShape(), a.getDataType());
                        if (kept.getDataType().isFloating()) {
                            ai.mlpzoo.translate.Finite.requireFiniteOutput(
                                    kept.toType(DataType.FLOAT32, false).toFloatArray(),
                                    names.get(i));
                        }
                        parts.get(i).add(kept);
                    }
                } finally {
                    result.close();
                }
            }
        }
        NDList named = new NDList();
        for (int i = 0; i < parts.size(); i++) {
            NDList all = new NDList(parts.get(i));
            NDArray joined = all.size() == 1 ? all.get(0) : NDArrays.concat(all);
            joined.setName(names.get(i));
            named.add(joined);
        }
        return named;
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

    /**
     * The time marks of a forecaster that takes them ({@link Forecaster#timeFeatures()} above 0):
     * the tensor {@code input_mark} (batch, context, features), checked; null for any other model.
     */
    private static NDArray marks(Block contract, NDList in, NDArray batch) {
        if (!(contract instanceof Forecaster) || ((Forecaster) contract).timeFeatures() == 0) {
            return null;
        }
        Forecaster f = (Forecaster) contract;
        String expected =
                "("
                        + batch.getShape().get(0)
                        + ", "
                        + f.contextLength()
                        + ", "
                        + f.timeFeatures()
                        + ")";
        NDArray marks = null;
        for (NDArray a : in) {
            if (MARKS.equals(a.getName())) {
                marks = a;
            }
        }
        if (marks == null) {
            throw new IllegalArgumentException(
                    "this model takes time marks: the input file needs a tensor named '"
                            + MARKS
                            + "' of shape "
                            + expected
                            + " (the time features of each input step) beside 'input'");
        }
        Checks.requireShape(
                marks,
                MARKS + " (batch, context, time features)",
                batch.getShape().get(0),
                f.contextLength(),
                f.timeFeatures());
        Checks.requireFinite(marks, MARKS);
        return marks.toType(DataType.FLOAT32, false);
    }

    private static NDArray find(NDList list, String name, Path file) {
        List<String> names = new ArrayList<>();
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
            names.add(a.getName());
        }
        throw new IllegalArgumentException(
                file
                        + " has no tensor named '"
                        + name
                        + "' (it has: "
                        + String.join(", ", names)
                        + "): name the batch 'input'");
    }

    /** The blocks compute in float32: an integer tensor is named, not met by an engine error. */
    private static void requireFloat(NDArray batch, Path file) {
        if (batch.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            throw new IllegalArgumentException(
                    file
                            + ": tensor 'input' is "
                            + batch.getDataType()
                            + "; the model takes floating point (F32, or F16/BF16, which are"
                            + " widened): convert the tensor to float32");
        }
    }

    /** An engine that is not on the class path is named with the ones that are. */
    static void requireEngine(String engine) {
        if (!ai.djl.engine.Engine.getAllEngines().contains(engine)) {
            throw new IllegalArgumentException(
                    "--engine "
                            + engine
                            + " is not available; available: "
                            + String.join(
                                    ", ",
                                    new java.util.TreeSet<>(ai.djl.engine.Engine.getAllEngines())));
        }
    }
}
