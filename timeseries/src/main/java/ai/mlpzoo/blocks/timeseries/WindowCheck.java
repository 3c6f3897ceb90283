package ai.mlpzoo.blocks.timeseries;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.common.Checks;

/** The input check every forecaster's {@code checkInput} shares: shape, then finiteness. */
public final class WindowCheck {

    private WindowCheck() {}

    /**
     * Checks a batch of windows.
     *
     * @param model the model's name, for the message
     * @param values the input, (batch, context, channels)
     * @param context the lookback the model reads
     * @param channels the channels it takes
     * @throws IllegalArgumentException naming the shape it got and the one the model takes
     */
    public static void check(String model, NDArray values, int context, int channels) {
        Shape s = values.getShape();
        if (s.dimension() != 3 || s.get(1) != context || s.get(2) != channels) {
            throw new IllegalArgumentException(
                    model
                            + " input must be (batch, "
                            + context
                            + " steps, "
                            + channels
                            + " channels), got "
                            + s
                            + ": the model reads windows of "
                            + context
                            + " steps of "
                            + channels
                            + " channels");
        }
        if (s.get(0) == 0) {
            throw new IllegalArgumentException(model + " input is an empty batch " + s);
        }
        Checks.requireFinite(values, model + " input");
    }
}
