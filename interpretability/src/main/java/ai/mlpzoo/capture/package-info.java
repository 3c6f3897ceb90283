/**
 * Activation capture on any DJL block tree: hook points named as in PyTorch ({@code
 * blocks.1.mlp_channels}), the DJL analogue of a forward hook, and a shuffled activation buffer
 * that streams training rows, as SAELens and sparsify collect the activations their sparse coders
 * train on.
 */
package ai.mlpzoo.capture;
