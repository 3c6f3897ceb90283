package ai.mlpzoo.service;

/** A tensor batch over {@code mlpzoo.service.max-batch}: answered 413. */
class BatchTooLargeException extends RuntimeException {

    BatchTooLargeException(long batch, int limit) {
        super(
                "the batch has "
                        + batch
                        + " items; at most "
                        + limit
                        + " are accepted per request (mlpzoo.service.max-batch): split it");
    }
}
