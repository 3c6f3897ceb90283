/**
 * NiNformer (Abdullah and Aydin 2024, "NiNformer: A Network in Network Transformer with Token
 * Mixing Generated Gating Function", arXiv:2403.02411), following the reference {@code
 * Abdullah-88/NiNformer} ({@code ninformer.py} {@code NiNformer}, {@code train.py} {@code
 * NiNformerImageClassification}): {@link ai.mlpzoo.blocks.ninformer.NiNformer} and its parts. The
 * inner MLP-Mixer block, the feed-forward MLPs and the patch stem are the Mixer family's {@link
 * ai.mlpzoo.blocks.mixer.MixerBlock}, {@link ai.mlpzoo.blocks.mixer.Mlp} and {@link
 * ai.mlpzoo.blocks.mixer.PatchEmbed}; {@link ai.mlpzoo.blocks.ninformer.NiNformer#referenceKey}
 * maps their timm-style names to the reference's state-dict keys.
 */
package ai.mlpzoo.blocks.ninformer;
