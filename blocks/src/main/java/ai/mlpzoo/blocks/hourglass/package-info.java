/**
 * The Hourglass MLP of "Rethinking the shape convention of an MLP" (Chen, Lee, Liao and Shiu 2025,
 * arXiv:2510.01796): residual blocks whose skip connections live in a wide latent space (d_z) while
 * each block's computation passes through a narrow bottleneck (d_h &lt; d_z), the input lifted to
 * d_z by a random projection that stays fixed during training; and, under the same API, the
 * conventional narrow-wide-narrow residual MLP (skip at the input width, d_h &gt; d_z) the paper
 * compares it with. The paper publishes no code: the choices it leaves open are listed on {@link
 * ai.mlpzoo.blocks.hourglass.HourglassMlp} and in docs/vision.md.
 */
package ai.mlpzoo.blocks.hourglass;
