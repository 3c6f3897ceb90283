/**
 * Training of sparse autoencoders and transcoders on captured or synthetic activations: each
 * architecture's loss term (L1, AuxK of Gao et al. 2024, arXiv:2406.04093, JumpReLU's sparsity
 * penalty), dead-latent tracking, geometric-median initialisation of b_dec, the metrics SAE
 * trainers report (FVU, L0, dead fraction), and the toy data of Sharkey et al. 2022.
 */
package ai.mlpzoo.sae.training;
