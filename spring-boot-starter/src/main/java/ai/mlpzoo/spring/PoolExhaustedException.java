package ai.mlpzoo.spring;

/**
 * No predictor became free within the borrow timeout (the model is saturated), or the pool is
 * closed.
 */
public class PoolExhaustedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened
     */
    public PoolExhaustedException(String message) {
        super(message);
    }
}
