/**
 * Activator (Abdullah and Aydin 2024, "Activator: GLU Activation Function as the Core Component of
 * a Vision Transformer", arXiv:2405.15953), following the reference {@code Abdullah-88/Activator}
 * ({@code activator.py} {@code ACTIVATOR}, {@code train.py} {@code ACTIVATORImageClassification}):
 * {@link ai.mlpzoo.blocks.activator.Activator}, its blocks and the GLU gating unit that replaces
 * attention. The feed-forward MLP and the patch stem are the Mixer family's {@link
 * ai.mlpzoo.blocks.mixer.Mlp} and {@link ai.mlpzoo.blocks.mixer.PatchEmbed}; {@link
 * ai.mlpzoo.blocks.activator.Activator#referenceKey} maps their names to the reference's keys.
 */
package ai.mlpzoo.blocks.activator;
