/**
 * Sparse autoencoders and transcoders for interpretability (Bricken et al. 2023; Dunefsky et al.
 * 2024, arXiv:2406.11944): standard, TopK (Gao et al. 2024, arXiv:2406.04093), BatchTopK, gated and
 * JumpReLU (Rajamanoharan et al. 2024, arXiv:2404.16014, arXiv:2407.14435) and skip transcoders.
 * Parameters are named and shaped as in SAELens v6, so its checkpoints and sparsify's load without
 * renaming.
 */
package ai.mlpzoo.blocks.sae;
