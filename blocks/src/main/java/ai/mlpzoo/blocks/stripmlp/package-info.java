/**
 * Strip-MLP (Cao et al. 2023, "Strip-MLP: Efficient Token Interaction for Vision MLP"), following
 * the reference {@code Med-Process/Strip_MLP models/strip_mlp.py StripMLPNet}: {@link
 * ai.mlpzoo.blocks.stripmlp.StripMlp} and its parts, children named as the reference's state dict.
 */
package ai.mlpzoo.blocks.stripmlp;
