package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

/**
 * The input a model takes, stated by the model and checked once per request by the entry points
 * (the translators, the CLI, the service) instead of on every forward pass: a NaN check costs
 * several native calls and a device-to-host copy per call, which a single-image prediction pays on
 * top of its forward. A block's forward therefore trusts its input; code that feeds a model tensors
 * from outside calls {@link #check(Block, NDArray, String)} first.
 */
public interface InputContract {

    /**
     * Checks one request's input: its shape and that it holds no NaN or infinity.
     *
     * @param input the input, as {@code forward} takes it
     * @throws IllegalArgumentException naming what is wrong and what the model takes
     */
    void checkInput(NDArray input);

    /**
     * Checks an input against a model's contract; a block that states none (a DJL or foreign block)
     * still gets the NaN check, the one rule that holds for every model.
     *
     * @param model the model
     * @param input its input
     * @param what what the input is, for the message of the NaN check
     * @throws IllegalArgumentException naming what is wrong
     */
    static void check(Block model, NDArray input, String what) {
        if (model instanceof InputContract) {
            ((InputContract) model).checkInput(input);
        } else {
            Checks.requireFinite(input, what);
        }
    }
}
