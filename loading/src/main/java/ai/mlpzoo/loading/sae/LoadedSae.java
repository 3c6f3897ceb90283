package ai.mlpzoo.loading.sae;

import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.config.SaeConfig;

/**
 * A sparse coder read from a checkpoint folder: its architecture and the initialised block holding
 * the checkpoint's weights (owned by the manager passed to the reader).
 *
 * @param config the architecture
 * @param block the block with the weights
 */
public record LoadedSae(SaeConfig config, SparseCoder block) {}
