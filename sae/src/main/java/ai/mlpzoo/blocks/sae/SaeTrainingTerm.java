package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * An architecture's part of the training loss (SAELens' {@code TrainingSAE.calculate_aux_loss}):
 * the sparsity penalty or auxiliary loss added to the reconstruction loss, which the trainer
 * computes itself for every architecture, and what must happen to the block after each optimiser
 * update.
 */
@FunctionalInterface
public interface SaeTrainingTerm {

    /**
     * The term of a step.
     *
     * @param step the step
     * @return a scalar, created in the step's manager
     */
    NDArray loss(SaeTrainingStep step);

    /**
     * Runs after each optimiser update (the JumpReLU SAE keeps its thresholds positive).
     *
     * @param block the block just updated
     * @param manager a scratch manager, closed after the step
     */
    default void afterUpdate(SparseCoder block, NDManager manager) {}
}
