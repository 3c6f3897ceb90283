package ai.mlpzoo.service;

/** The server cannot take this request now (decoders busy, memory short): 503 with Retry-After. */
class ServiceBusyException extends RuntimeException {

    ServiceBusyException(String message) {
        super(message);
    }
}
