package ai.mlpzoo.onnx;

import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.zoo.ModelDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Adds {@code model.onnx} to an mlp-zoo model directory, so that the directory loads on both
 * engines: {@code Criteria.optModelPath(dir)} runs the DJL parameters on PyTorch, and with {@code
 * optEngine("OnnxRuntime")} runs the ONNX graph, with the same translator (serving.properties).
 */
public final class OnnxModelDirs {

    private OnnxModelDirs() {}

    /**
     * Copies a loaded model's directory to {@code out} (unless it is the same directory) and writes
     * {@code model.onnx} beside the DJL files.
     *
     * @param model a model loaded on an engine that runs DJL blocks (PyTorch)
     * @param out the model directory to write
     * @return the .onnx file written
     * @throws IOException if a file cannot be read or written
     */
    public static Path export(ZooModel<?, ?> model, Path out) throws IOException {
        return export(model, out, null);
    }

    /**
     * As {@link #export(ZooModel, Path)}, with the graph's input shape given: an SAE whose input
     * has more axes than (N, d_in), such as a multi-layer SAE's (n_layers, batch, pos, d) or a
     * hook_z SAE's (..., n_heads, d_head). The first axis stays dynamic.
     *
     * @param model a model loaded on an engine that runs DJL blocks (PyTorch)
     * @param out the model directory to write
     * @param inputShape the input shape with a batch of one, or null for the config's
     * @return the .onnx file written
     * @throws IOException if a file cannot be read or written
     */
    public static Path export(ZooModel<?, ?> model, Path out, ai.djl.ndarray.types.Shape inputShape)
            throws IOException {
        Path src = model.getModelPath().toAbsolutePath().normalize();
        if (model.getBlock() == null
                || model.getBlock().getClass().getName().startsWith("ai.djl.onnxruntime")) {
            throw new IllegalArgumentException(
                    "export-onnx needs the model loaded on PyTorch, not on ONNX Runtime");
        }
        ModelConfig config = ModelDirs.readArchitecture(src);
        Path target = out.toAbsolutePath().normalize();
        Files.createDirectories(target);
        if (!Files.isSameFile(src, target)) {
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (Files.isRegularFile(f) && !name.endsWith(".onnx")) {
                        Files.copy(f, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        Path file = target.resolve(OnnxExporter.FILE_NAME);
        OnnxExporter.write(
                model.getBlock(), inputShape == null ? config.inputShape() : inputShape, file);
        // every weight file of a model directory carries a checksum that loading verifies
        ai.mlpzoo.zoo.ModelDirs.writeChecksum(file);
        return file;
    }

    /**
     * Writes {@code model.int8.onnx} ({@link Int8Quantizer}) beside a model directory's {@code
     * model.onnx}, with its checksum; ONNX Runtime loads it with {@code
     * Criteria.optEngine("OnnxRuntime").optModelName("model.int8")}.
     *
     * @param dir a model directory holding model.onnx
     * @return the .onnx file written
     * @throws IOException if a file cannot be read or written, or model.onnx is missing
     */
    public static Path quantizeInt8(Path dir) throws IOException {
        return quantizeInt8(dir, null);
    }

    /**
     * Writes {@code model.int8.onnx} as {@link #quantizeInt8(Path)} does, keeping the named layers
     * in float32 ({@link Int8Quantizer#quantize(onnx.Onnx.ModelProto, java.util.List)}).
     *
     * @param dir a model directory holding model.onnx
     * @param keepFloat the layers kept float32, or null for {@link
     *     Int8Quantizer#DEFAULT_KEEP_FLOAT}
     * @return the .onnx file written
     * @throws IOException if a file cannot be read or written, or model.onnx is missing
     * @throws IllegalArgumentException when a keep-float entry is malformed or names no layer
     */
    public static Path quantizeInt8(Path dir, java.util.List<String> keepFloat) throws IOException {
        Path src = dir.resolve(OnnxExporter.FILE_NAME);
        if (!Files.isRegularFile(src)) {
            throw new java.nio.file.NoSuchFileException(
                    src.toString(), null, "no model.onnx to quantise: export it first");
        }
        ModelDirs.verifyFile(src);
        onnx.Onnx.ModelProto fp32;
        try (java.io.InputStream in = Files.newInputStream(src)) {
            fp32 = onnx.Onnx.ModelProto.parseFrom(in);
        }
        onnx.Onnx.ModelProto int8 =
                keepFloat == null
                        ? Int8Quantizer.quantize(fp32)
                        : Int8Quantizer.quantize(fp32, keepFloat);
        Path file = dir.resolve(Int8Quantizer.FILE_NAME);
        ai.mlpzoo.io.AtomicFiles.write(file, int8::writeTo);
        ModelDirs.writeChecksum(file);
        return file;
    }
}
