/**
 * BERT (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers for Language
 * Understanding") as DJL blocks: {@link ai.mlpzoo.blocks.bert.BertEncoder} (embeddings, post-norm
 * layers) with sentence-transformers' mean pooling and normalisation on top (Reimers and Gurevych
 * 2019, "Sentence-BERT"). Self-attention is the shared {@link
 * ai.mlpzoo.blocks.attention.MultiHeadSelfAttention}.
 */
package ai.mlpzoo.blocks.bert;
