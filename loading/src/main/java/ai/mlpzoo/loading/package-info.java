/**
 * Checkpoint importers: a reference library's checkpoint (timm, efficient-kan, fast-kan, KAT)
 * becomes an mlp-zoo model directory. State dicts are copied name for name onto an initialised
 * block and must match exactly, so a checkpoint of another architecture fails with the tensor names
 * it gets wrong rather than loading silently.
 */
package ai.mlpzoo.loading;
