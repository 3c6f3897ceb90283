package ai.mlpzoo.service;

import java.io.IOException;

/** The request body is over {@code mlpzoo.service.max-body-size}: answered 413. */
public class PayloadTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param limit the limit in bytes
     */
    public PayloadTooLargeException(long limit) {
        super("the request body is larger than " + limit + " bytes");
    }
}
