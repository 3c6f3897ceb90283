package ai.mlpzoo.loading;

/** A checkpoint that does not fit the architecture it claims; the message names the tensor. */
public class CheckpointException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what does not fit
     */
    public CheckpointException(String message) {
        super(message);
    }
}
