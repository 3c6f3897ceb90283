/**
 * The all-MLP vision models as timm's {@code mlp_mixer.py} builds them: one {@link
 * ai.mlpzoo.blocks.mixer.MlpMixer} (patch stem, token-mixing layers, norm, head) whose layer
 * chooses the family, MLP-Mixer (Tolstikhin et al. 2021, arXiv:2105.01601), ResMLP (Touvron et al.
 * 2021, arXiv:2105.03404) or gMLP (Liu et al. 2021, arXiv:2105.08050). Children carry timm's names
 * so that timm checkpoints load unchanged.
 */
package ai.mlpzoo.blocks.mixer;
