/**
 * Reading and writing the folder layouts of the SAE libraries: SAELens v6 ({@code cfg.json} +
 * {@code sae_weights.safetensors}) and EleutherAI sparsify ({@code cfg.json} + {@code
 * sae.safetensors}), mapped onto the blocks of {@code ai.mlpzoo.blocks.sae}, and the importer that
 * turns such a folder into a zoo model directory.
 */
package ai.mlpzoo.loading.sae;
