package ai.mlpzoo.service;

import java.io.IOException;

/** A request body that did not arrive within {@code mlpzoo.service.body-read-timeout}: 408. */
class BodyTimeoutException extends IOException {

    BodyTimeoutException(long millis) {
        super(
                "the request body did not arrive within "
                        + millis
                        + " ms (mlpzoo.service.body-read-timeout)");
    }
}
