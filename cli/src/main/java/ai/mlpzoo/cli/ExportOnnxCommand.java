package ai.mlpzoo.cli;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.onnx.OnnxModelDirs;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlpzoo export-onnx --model <model-dir-or-artifact[/variant]> --out <model-dir>}: copies
 * the model directory and writes {@code model.onnx} beside the DJL files, so that the directory
 * runs on PyTorch and, with {@code --engine OnnxRuntime} / {@code optEngine("OnnxRuntime")}, on
 * ONNX Runtime with the same translator. With {@code --quantize int8} it also writes {@code
 * model.int8.onnx}, the dynamically quantised graph that {@code --precision int8} runs; {@code
 * --keep-float} names the layers that stay float32 (default {@link
 * ai.mlpzoo.onnx.Int8Quantizer#DEFAULT_KEEP_FLOAT}).
 */
@Command(
        name = "export-onnx",
        mixinStandardHelpOptions = true,
        description = "Write model.onnx (opset 17, dynamic batch) beside a model's DJL files.")
final class ExportOnnxCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "<model-dir-or-artifact>",
            description =
                    "a model directory, or a zoo artifact as artifact[/variant] (variant defaults to fmnist)")
    String model;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "<model-dir>",
            description = "model directory to write")
    Path out;

    @Option(
            names = "--input-shape",
            split = ",",
            paramLabel = "<dims>",
            description =
                    "the input shape, first axis the (dynamic) batch, e.g. 1,2,4,16 for a multi-layer"
                            + " SAE or 1,3,2,8 for a hook_z SAE (default: the model's)")
    long[] inputShape;

    @Option(
            names = "--quantize",
            paramLabel = "int8",
            description =
                    "also write model.int8.onnx: every MatMul with a constant weight but the"
                            + " --keep-float layers dynamically quantised to int8 (per-column"
                            + " weight scales), for --precision int8")
    String quantize;

    @Option(
            names = "--keep-float",
            paramLabel = "<layers>",
            description =
                    "with --quantize int8: comma-separated layer paths whose products stay float32"
                            + " (e.g. mlp_tokens.fc2,head), or none to quantise every layer"
                            + " (default: the measured list of docs/onnx.md)")
    String keepFloat;

    @Override
    public Integer call() throws Exception {
        if (quantize != null && !"int8".equalsIgnoreCase(quantize)) {
            throw new IllegalArgumentException(
                    "unknown --quantize '" + quantize + "'; known: int8");
        }
        if (keepFloat != null && quantize == null) {
            throw new IllegalArgumentException("--keep-float applies only with --quantize int8");
        }
        java.util.List<String> keep =
                keepFloat == null ? null : ai.mlpzoo.onnx.Int8Quantizer.parseKeepFloat(keepFloat);
        if (inputShape != null) {
            for (long d : inputShape) {
                if (d <= 0) {
                    throw new IllegalArgumentException(
                            "--input-shape must list positive sizes, got "
                                    + java.util.Arrays.toString(inputShape));
                }
            }
        }
        Path dir = Paths.get(model);
        Criteria.Builder<NDList, NDList> b =
                Criteria.builder().setTypes(NDList.class, NDList.class).optEngine("PyTorch");
        if (Files.isDirectory(dir)) {
            ai.mlpzoo.zoo.ModelDirs.checkSafe(dir); // data only, before DJL reads it
            b.optModelPath(dir);
        } else if (model.matches("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?")) {
            String[] parts = model.split("/");
            b.optGroupId("ai.mlpzoo")
                    .optArtifactId(parts[0])
                    .optFilter("variant", parts.length > 1 ? parts[1] : "fmnist");
        } else {
            throw new NoSuchFileException(model, null, "model directory not found");
        }
        try (ZooModel<NDList, NDList> zoo = ai.mlpzoo.zoo.MlpZoo.loadModel(b.build())) {
            Path file =
                    OnnxModelDirs.export(
                            zoo,
                            out,
                            inputShape == null ? null : new ai.djl.ndarray.types.Shape(inputShape));
            System.out.println(
                    "wrote "
                            + file
                            + " ("
                            + Files.size(file)
                            + " bytes) beside the DJL files in "
                            + out);
        }
        if (quantize != null) {
            Path q = OnnxModelDirs.quantizeInt8(out, keep);
            System.out.println("wrote " + q + " (" + Files.size(q) + " bytes, int8 weights)");
        }
        return 0;
    }
}
