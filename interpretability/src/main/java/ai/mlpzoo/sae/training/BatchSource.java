package ai.mlpzoo.sae.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Training batches for a sparse coder: {@code (x)} for an autoencoder, {@code (x, y)} for a
 * transcoder, each (N, d). Implementations stream (an activation buffer) or sample (synthetic
 * data); the caller closes the manager, which owns the batch.
 */
@FunctionalInterface
public interface BatchSource {

    /**
     * Produces the next batch.
     *
     * @param manager the owner of the batch's arrays
     * @return (x) or (x, y)
     */
    NDList next(NDManager manager);
}
