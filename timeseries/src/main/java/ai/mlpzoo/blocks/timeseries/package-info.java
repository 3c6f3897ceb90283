/**
 * Time-series forecasting MLPs: what every forecaster states ({@link
 * ai.mlpzoo.blocks.timeseries.Forecaster}) and the shared pieces; each family has its own package:
 * {@code patchtsmixer} (IBM's TSMixer, Ekambaram et al. 2023, arXiv:2306.09364, as Hugging Face's
 * PatchTSMixer), {@code timemixer} (Wang et al., ICLR 2024, arXiv:2405.14616) and {@code tsmixer}
 * (Google's TSMixer, Chen et al. 2023, arXiv:2303.06053, as the torchtsmixer port).
 */
package ai.mlpzoo.blocks.timeseries;
