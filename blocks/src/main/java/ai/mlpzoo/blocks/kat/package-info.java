/**
 * KAT, the Kolmogorov-Arnold Transformer (Yang and Wang 2024, arXiv:2409.10594): a ViT whose MLPs
 * are GR-KANs, as the reference's {@code KATVisionTransformer} (github.com/Adamdad/kat, {@code
 * katransformer.py}). The attention is the shared {@link
 * ai.mlpzoo.blocks.attention.MultiHeadSelfAttention}, the MLP {@link ai.mlpzoo.blocks.kan.KatMlp}.
 */
package ai.mlpzoo.blocks.kat;
