/**
 * RepMLPNet (Ding et al. 2022, "RepMLPNet: Hierarchical Vision MLP with Re-parameterized Locality",
 * CVPR): the training-time structure with its convolution branches ({@link
 * ai.mlpzoo.blocks.repmlp.RepMlpNet}, {@link ai.mlpzoo.blocks.repmlp.RepMlpBlock}) and the
 * structural re-parameterisation ({@link ai.mlpzoo.blocks.repmlp.RepMlpNet#reparameterize}) that
 * folds the BatchNorms and the convolutions into the fully-connected layers for deployment.
 */
package ai.mlpzoo.blocks.repmlp;
