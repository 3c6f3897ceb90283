package ai.mlpzoo.translate;

/**
 * A model output held NaN or an infinity. Thrown by {@link Finite#requireFiniteOutput} inside a
 * translator, so DJL wraps it in a {@code TranslateException}; callers that answer differently for
 * it (the service's 422) find it among the causes.
 */
public class NonFiniteOutputError extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the output and the first non-finite element
     */
    public NonFiniteOutputError(String message) {
        super(message);
    }
}
