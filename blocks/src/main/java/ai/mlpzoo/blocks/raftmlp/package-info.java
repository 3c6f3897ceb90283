/**
 * RaftMLP (Tatsunami and Taki 2022, "RaftMLP: How Much Can Be Done Without Attention and with Less
 * Spatial Locality?"), following the reference {@code okojoalg/raft-mlp libs/models.py RaftMLP}
 * ({@code ser_pm} token mixing): {@link ai.mlpzoo.blocks.raftmlp.RaftMlp} and its parts, children
 * named as the reference's state dict.
 */
package ai.mlpzoo.blocks.raftmlp;
