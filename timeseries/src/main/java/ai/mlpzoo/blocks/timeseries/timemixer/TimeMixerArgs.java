package ai.mlpzoo.blocks.timeseries.timemixer;

import ai.mlpzoo.blocks.common.Checks;
import java.util.Locale;

/**
 * The architecture of a {@link TimeMixer}, one field per argument of the reference's {@code run.py}
 * that its {@code models/TimeMixer.py} reads (messages name the fields as the reference spells
 * them, {@code seq_len}, {@code d_model}, ...). {@link #validate()} refuses every combination the
 * reference cannot run or that this port does not reproduce, with the reason.
 *
 * @param seqLen {@code seq_len}, the lookback
 * @param predLen {@code pred_len}, the horizon
 * @param encIn {@code enc_in}, input channels
 * @param cOut {@code c_out}, forecast channels (must equal enc_in)
 * @param dModel {@code d_model}
 * @param dFf {@code d_ff}, hidden width of the cross layers
 * @param eLayers {@code e_layers}, the number of past-decomposable-mixing blocks
 * @param downSamplingLayers {@code down_sampling_layers}, D: the model reads D + 1 scales
 * @param downSamplingWindow {@code down_sampling_window}, the pooling kernel and stride
 * @param downSamplingMethod {@code down_sampling_method}: avg or max
 * @param decompMethod {@code decomp_method}: moving_avg or dft_decomp
 * @param movingAvg {@code moving_avg}, the odd moving-average kernel
 * @param topK {@code top_k}, the DFT decomposition's k
 * @param channelIndependence {@code channel_independence}: each channel a separate series
 * @param useNorm {@code use_norm}: RevIN normalisation per scale
 * @param markFeatures time features per step of the temporal embedding (4 for embed timeF, freq h)
 * @param useTimeMarks whether the model takes the marks as a second input (the reference's {@code
 *     x_mark_enc} not None)
 * @param dropout {@code dropout}, after the embedding
 */
public record TimeMixerArgs(
        int seqLen,
        int predLen,
        int encIn,
        int cOut,
        int dModel,
        int dFf,
        int eLayers,
        int downSamplingLayers,
        int downSamplingWindow,
        String downSamplingMethod,
        String decompMethod,
        int movingAvg,
        int topK,
        boolean channelIndependence,
        boolean useNorm,
        int markFeatures,
        boolean useTimeMarks,
        float dropout) {

    /** Moving-average decomposition (the reference's {@code series_decomp}). */
    public static final String MOVING_AVG = "moving_avg";

    /** DFT decomposition (the reference's {@code DFT_series_decomp}). */
    public static final String DFT_DECOMP = "dft_decomp";

    /** Normalises the method names to lower case. */
    public TimeMixerArgs {
        downSamplingMethod =
                downSamplingMethod == null ? null : downSamplingMethod.toLowerCase(Locale.ROOT);
        decompMethod = decompMethod == null ? null : decompMethod.toLowerCase(Locale.ROOT);
    }

    /**
     * @return the number of scales, down_sampling_layers + 1
     */
    public int scales() {
        return downSamplingLayers + 1;
    }

    /**
     * @param s the scale, 0 the finest
     * @return its length in steps, seq_len // window^s
     */
    public int length(int s) {
        int t = seqLen;
        for (int i = 0; i < s; i++) {
            t /= downSamplingWindow;
        }
        return t;
    }

    /**
     * Checks every field.
     *
     * @return this
     * @throws IllegalArgumentException naming the field and the fix
     */
    public TimeMixerArgs validate() {
        Checks.positive(seqLen, "seq_len");
        Checks.positive(predLen, "pred_len");
        Checks.positive(encIn, "enc_in");
        Checks.positive(cOut, "c_out");
        Checks.positive(dModel, "d_model");
        Checks.positive(dFf, "d_ff");
        Checks.positive(eLayers, "e_layers");
        Checks.probability(dropout, "dropout");
        if (downSamplingLayers < 1) {
            throw new IllegalArgumentException(
                    Checks.field("down_sampling_layers")
                            + " must be at least 1, got "
                            + downSamplingLayers
                            + ": TimeMixer's season mixing reads scale 1");
        }
        if (downSamplingWindow < 2) {
            throw new IllegalArgumentException(
                    Checks.field("down_sampling_window")
                            + " must be at least 2, got "
                            + downSamplingWindow);
        }
        long divisor = 1;
        for (int i = 0; i < downSamplingLayers; i++) {
            divisor *= downSamplingWindow;
            if (divisor > seqLen) {
                break;
            }
        }
        if (divisor > seqLen || seqLen % divisor != 0) {
            throw new IllegalArgumentException(
                    Checks.field("seq_len")
                            + " ("
                            + seqLen
                            + ") must be divisible by down_sampling_window^down_sampling_layers ("
                            + downSamplingWindow
                            + "^"
                            + downSamplingLayers
                            + "): every scale needs whole windows (and the time marks, subsampled"
                            + " as mark[:, ::window], would no longer match the pooled values)");
        }
        if ("conv".equals(downSamplingMethod)) {
            throw new IllegalArgumentException(
                    Checks.field("down_sampling_method")
                            + " 'conv' is not supported: the reference builds a new, randomly"
                            + " initialised Conv1d inside every forward call (it is not in the"
                            + " state dict), so no checkpoint can reproduce it; use avg or max");
        }
        if (!"avg".equals(downSamplingMethod) && !"max".equals(downSamplingMethod)) {
            throw new IllegalArgumentException(
                    Checks.field("down_sampling_method")
                            + " must be avg or max, got '"
                            + downSamplingMethod
                            + "'");
        }
        Checks.positive(movingAvg, "moving_avg");
        if (movingAvg % 2 == 0) {
            throw new IllegalArgumentException(
                    Checks.field("moving_avg")
                            + " must be odd, got "
                            + movingAvg
                            + ": with an even kernel the reference's edge-padded moving average"
                            + " is one step shorter than the series");
        }
        if (DFT_DECOMP.equals(decompMethod)) {
            if (dModel % 2 != 0) {
                throw new IllegalArgumentException(
                        Checks.field("d_model")
                                + " must be even with decomp_method dft_decomp, got "
                                + dModel
                                + ": the reference's irfft over d_model returns an even length");
            }
            Checks.positive(topK, "top_k");
            if (topK > dModel / 2 + 1) {
                throw new IllegalArgumentException(
                        Checks.field("top_k")
                                + " ("
                                + topK
                                + ") must not exceed d_model / 2 + 1 ("
                                + (dModel / 2 + 1)
                                + ") with dft_decomp: the reference takes the top k of the"
                                + " rfft bins over d_model");
            }
        } else if (!MOVING_AVG.equals(decompMethod)) {
            throw new IllegalArgumentException(
                    Checks.field("decomp_method")
                            + " must be moving_avg or dft_decomp, got '"
                            + decompMethod
                            + "'");
        }
        if (cOut != encIn) {
            throw new IllegalArgumentException(
                    Checks.field("c_out")
                            + " ("
                            + cOut
                            + ") must equal enc_in ("
                            + encIn
                            + "): TimeMixer forecasts every input channel (channel_independence"
                            + " reshapes (B*N, pred_len, 1) to (B, pred_len, N), and the"
                            + " de-normalisation uses the statistics of the enc_in input"
                            + " channels)");
        }
        Checks.positive(markFeatures, "time features (embed timeF: freq)");
        return this;
    }
}
