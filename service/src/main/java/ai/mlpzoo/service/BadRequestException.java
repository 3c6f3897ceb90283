package ai.mlpzoo.service;

/** The request cannot be served as sent: answered 400 with the message. */
public class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong with the request
     */
    public BadRequestException(String message) {
        super(message);
    }
}
