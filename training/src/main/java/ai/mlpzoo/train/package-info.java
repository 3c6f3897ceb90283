/**
 * Training of the zoo's classifiers and KANs: AdamW (Loshchilov and Hutter 2019) with resumable
 * state and learning-rate schedules, full-batch L-BFGS for small KANs as pykan fits them, label
 * smoothing (Szegedy et al. 2016), augmentation, a progress bar, training curves, and checkpoints
 * written atomically so that an interrupted run resumes where it stopped.
 */
package ai.mlpzoo.train;
