/**
 * Attention blocks shared by the transformer families: {@link
 * ai.mlpzoo.blocks.attention.MultiHeadSelfAttention} (BERT's self-attention; the ViT of KAT and
 * PatchTSMixer's gated attention reuse it).
 */
package ai.mlpzoo.blocks.attention;
