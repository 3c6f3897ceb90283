package ai.mlpzoo.spring;

/**
 * A model produced NaN or an infinity for an input (for example values near the float range, which
 * overflow inside the model): the result is refused rather than returned as numbers it is not.
 */
public class NonFiniteOutputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param model the model id
     * @param where which output and its value
     */
    public NonFiniteOutputException(String model, String where) {
        super(
                "model "
                        + model
                        + " produced a non-finite output ("
                        + where
                        + "): the input overflows the model; scale it to the range the model was"
                        + " trained on");
    }
}
