/**
 * MS-MLP (Zheng et al. 2022, "Mixing and Shifting: Exploiting Global and Local Dependencies in
 * Vision MLPs"), following the reference {@code JegZheng/MS-MLP models/ms_mlp.py}: {@link
 * ai.mlpzoo.blocks.msmlp.MsMlp} and its parts, children named as the reference's state dict.
 */
package ai.mlpzoo.blocks.msmlp;
