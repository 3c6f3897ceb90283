package ai.mlpzoo.translate;

/**
 * The check on model outputs: a forward pass can overflow (inputs near 3e38) or carry a corrupt
 * weight, and its NaN or infinite result must be refused with a message, never written or answered
 * as a number.
 */
public final class Finite {

    private Finite() {}

    /**
     * @param values a model output, flattened
     * @param what the output's name, for the message
     * @throws NonFiniteOutputError naming the output and the first non-finite element
     */
    public static void requireFiniteOutput(float[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new NonFiniteOutputError(
                        "the model's output '"
                                + what
                                + "' is not finite (element "
                                + i
                                + " is "
                                + values[i]
                                + "): the input is outside the range the model handles (e.g."
                                + " values near 3e38 overflow) or its weights are corrupt");
            }
        }
    }
}
