/**
 * Feature dashboards for sparse autoencoders and transcoders on text, after SAELens' and
 * Neuronpedia's (Bloom et al., SAELens; Lin, Neuronpedia): for each latent its firing frequency,
 * mean and maximum activation, a histogram of its nonzero activations and the texts it fires on
 * most, token by token. {@link ai.mlpzoo.analysis.dashboard.FeatureDashboard} accumulates a corpus
 * in bounded memory (a top-k heap and a streaming histogram per latent) and {@link
 * ai.mlpzoo.analysis.dashboard.DashboardHtml} writes one self-contained static page (inline CSS,
 * JavaScript and SVG; no network).
 */
package ai.mlpzoo.analysis.dashboard;
