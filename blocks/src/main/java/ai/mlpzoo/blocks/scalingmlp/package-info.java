/**
 * Scaling MLPs (Bachmann, Anagnostidis and Hofmann 2023, "Scaling MLPs: A Tale of Inductive Bias",
 * arXiv:2306.13575): the residual bottleneck MLP on flattened images, as the reference's {@code
 * BottleneckMLP} (github.com/gregorbachmann/scaling_mlps, {@code models/networks.py}).
 */
package ai.mlpzoo.blocks.scalingmlp;
