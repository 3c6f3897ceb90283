package ai.mlpzoo.onnx;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.kan.GroupRational;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import ai.mlpzoo.blocks.sae.SparseCoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.ModelProto;

/**
 * Writes an initialised mlp-zoo block as an ONNX model (opset {@value OnnxGraph#OPSET}): one float
 * input named {@code input} whose first axis is the dynamic {@code batch}, the parameters as
 * initialisers under their state-dict names, and the outputs under the names the block's forward
 * gives them ({@code output}, {@code pre_logits}, {@code feature_acts}). The graph reproduces the
 * inference forward (dropout and stochastic depth off).
 *
 * <p>A block the exporter does not know fails with an {@link UnsupportedBlockException} naming the
 * block's class and its path in the model.
 */
public final class OnnxExporter {

    /** The graph input's name, as {@code mlpzoo predict} names its input tensor. */
    public static final String INPUT = "input";

    /** The file name DJL's ONNX Runtime engine finds in a model directory named {@code model}. */
    public static final String FILE_NAME = "model.onnx";

    private OnnxExporter() {}

    /**
     * Exports a block.
     *
     * @param block the initialised block (parameters loaded)
     * @param inputShape the input shape for a batch of one, e.g. (1, 1, 28, 28)
     * @return the ONNX model
     * @throws UnsupportedBlockException if the tree holds a block without an emitter
     */
    public static ModelProto export(Block block, Shape inputShape) {
        OnnxGraph g = new OnnxGraph(block.getClass().getSimpleName());
        ExportContext ctx = new ExportContext(g, block);
        // KAT's GroupRational maps any (..., C): its graph keeps the rank but takes any sizes
        boolean anySize = block instanceof GroupRational;
        long[] inDims = inputShape.getShape().clone();
        if (anySize) {
            java.util.Arrays.fill(inDims, 1, inDims.length, -1L);
        }
        String x = g.input(INPUT, inDims);
        List<String> names = outputNames(block);
        names.forEach(g::reserve);
        List<String> outs = ctx.emit(block, "", x);
        if (names.size() != outs.size()) {
            throw new UnsupportedBlockException(
                    block.getClass().getName(),
                    "",
                    "its emitter gave " + outs.size() + " outputs, expected " + names);
        }
        Shape batch = new Shape(1).addAll(inputShape.slice(1));
        Shape[] shapes = block.getOutputShapes(new Shape[] {batch});
        for (int i = 0; i < outs.size(); i++) {
            long[] dims =
                    anySize ? inDims : i < shapes.length ? shapes[i].getShape() : new long[] {-1};
            g.output(names.get(i), outs.get(i), dims);
        }
        return g.build("mlp-zoo " + block.getClass().getSimpleName() + ", exported from DJL");
    }

    /**
     * The names of a root block's outputs, as its forward names them.
     *
     * @param block the root block
     * @return the output names
     */
    static List<String> outputNames(Block block) {
        if (block instanceof SparseCoder) {
            return List.of(SparseCoder.FEATURE_ACTS, SparseCoder.OUTPUT);
        }
        if (block instanceof MlpMixer
                || block instanceof ai.mlpzoo.blocks.metaformer.MetaFormer
                || block instanceof ai.mlpzoo.blocks.common.PooledClassifier) {
            return List.of("output", "pre_logits");
        }
        List<String> registered = Emitters.outputs(block);
        return registered != null ? registered : List.of("output");
    }

    /**
     * Exports a block to a file, atomically (a temporary file moved into place).
     *
     * @param block the initialised block
     * @param inputShape the input shape for a batch of one
     * @param file the .onnx file to write
     * @throws IOException if the file cannot be written
     */
    public static void write(Block block, Shape inputShape, Path file) throws IOException {
        ModelProto model = export(block, inputShape);
        ai.mlpzoo.io.AtomicFiles.write(file, model::writeTo);
    }
}
