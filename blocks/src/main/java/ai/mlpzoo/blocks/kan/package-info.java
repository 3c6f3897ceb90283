/**
 * Kolmogorov-Arnold networks and their relatives: B-spline KANs (Liu et al. 2024, arXiv:2404.19756)
 * in efficient-kan's formulation with grid update and extension, fast-kan's radial-basis KANs (Li
 * 2024, arXiv:2405.06721), KAT's group-rational activation GR-KAN (Yang and Wang 2024,
 * arXiv:2409.10594) and FAN layers (Dong et al. 2024, arXiv:2410.02675). Parameters are named and
 * laid out as the references save them, for parity with their checkpoints.
 */
package ai.mlpzoo.blocks.kan;
