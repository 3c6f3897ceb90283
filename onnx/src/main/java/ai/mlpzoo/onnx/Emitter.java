package ai.mlpzoo.onnx;

import ai.djl.nn.Block;
import java.util.List;

/**
 * Writes one kind of block into an ONNX graph with the same math as its forward in inference mode
 * (dropout and stochastic depth are the identity).
 *
 * @param <B> the block class
 */
@FunctionalInterface
public interface Emitter<B extends Block> {

    /**
     * Emits the block.
     *
     * @param ctx the export context
     * @param block the block
     * @param path its dotted path in the model ("" for the root)
     * @param input the input value name
     * @return the output value names, in the order of the block's forward NDList
     */
    List<String> emit(ExportContext ctx, B block, String path, String input);
}
