package ai.mlpzoo.blocks.timeseries.tsmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.timeseries.Forecaster;
import ai.mlpzoo.blocks.timeseries.RevIn;
import ai.mlpzoo.blocks.timeseries.WindowCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Google's TSMixer (Chen, Li, Arik, Yoder, Pfister, "TSMixer: An All-MLP Architecture for Time
 * Series Forecasting", TMLR 2023, arXiv:2303.06053) as the torchtsmixer port's {@code TSMixer}
 * (ditschuk/pytorch-tsmixer 0.2.0): mixer layers of time mixing and feature mixing, then a Linear
 * along time from the lookback to the horizon. Like torchtsmixer it has no RevIN by default: the
 * window goes in as it is. With {@code rev_in} it is the paper's {@code tsmixer_rev_in} (Google's
 * {@code models/tsmixer_rev_in.py}, the model of its ETT tables): each window is normalised per
 * channel over time by {@link RevIn} before the mixer layers and the forecast mapped back with the
 * window's own mean and deviation, so a model trained on one level of a series does not forecast
 * the mean of the training split for all others.
 *
 * <p>torchtsmixer's {@code num_blocks} builds {@code num_blocks - 1} mixer layers: the layers map
 * C_in to C_in, except the last, C_in to C_out; with {@code num_blocks} 1 there is none and the
 * output has the input's channels. This block reproduces that count, so that its checkpoints load.
 *
 * <p>Children {@code mixer_layers.i}, {@code temporal_projection}: the state-dict names; then
 * {@code rev_in} (affine_weight, affine_bias) when enabled, last so that files without it keep
 * their layout. Shapes: NDList(values (B, S, C_in)) to NDList(forecast (B, horizon, C_out)). The
 * forward trusts its input; entry points call {@link #checkInput} once.
 */
public class TsMixer extends AbstractBlock implements Forecaster {

    private static final byte VERSION = 1;

    private final int sequenceLength;
    private final int predictionLength;
    private final int inputChannels;
    private final int outputChannels;
    private final List<MixerLayer> layers = new ArrayList<>();
    private final Linear temporalProjection;
    private final RevIn revIn; // null without rev_in

    /**
     * Creates the model, with torchtsmixer's constructor arguments.
     *
     * @param sequenceLength S, the lookback
     * @param predictionLength the horizon
     * @param inputChannels C_in
     * @param outputChannels C_out (ignored when {@code numBlocks} is 1, as the reference does)
     * @param act the activation ({@code activation_fn}: relu or gelu)
     * @param numBlocks the reference's count, one more than the mixer layers built
     * @param dropoutRate dropout while training
     * @param ffDim the feature MLP's hidden width
     * @param normalizeBefore feature mixing's norm before its MLP (true) or after its residual
     * @param normType batch or layer
     * @throws IllegalArgumentException naming the bad argument by its config field
     */
    public TsMixer(
            int sequenceLength,
            int predictionLength,
            int inputChannels,
            int outputChannels,
            BaseActivation act,
            int numBlocks,
            float dropoutRate,
            int ffDim,
            boolean normalizeBefore,
            TsMixerNorm.Type normType) {
        this(
                sequenceLength,
                predictionLength,
                inputChannels,
                outputChannels,
                act,
                numBlocks,
                dropoutRate,
                ffDim,
                normalizeBefore,
                normType,
                false);
    }

    /**
     * Creates the model, with torchtsmixer's constructor arguments and optionally RevIN.
     *
     * @param sequenceLength S, the lookback
     * @param predictionLength the horizon
     * @param inputChannels C_in
     * @param outputChannels C_out (ignored when {@code numBlocks} is 1, as the reference does)
     * @param act the activation ({@code activation_fn}: relu or gelu)
     * @param numBlocks the reference's count, one more than the mixer layers built
     * @param dropoutRate dropout while training
     * @param ffDim the feature MLP's hidden width
     * @param normalizeBefore feature mixing's norm before its MLP (true) or after its residual
     * @param normType batch or layer
     * @param revIn whether windows are normalised by RevIN ({@code rev_in}); needs C_out = C_in
     * @throws IllegalArgumentException naming the bad argument by its config field
     */
    public TsMixer(
            int sequenceLength,
            int predictionLength,
            int inputChannels,
            int outputChannels,
            BaseActivation act,
            int numBlocks,
            float dropoutRate,
            int ffDim,
            boolean normalizeBefore,
            TsMixerNorm.Type normType,
            boolean revIn) {
        super(VERSION);
        this.sequenceLength = Checks.positive(sequenceLength, "sequence_length");
        this.predictionLength = Checks.positive(predictionLength, "prediction_length");
        this.inputChannels = Checks.positive(inputChannels, "input_channels");
        Checks.positive(outputChannels, "output_channels");
        Checks.positive(numBlocks, "num_blocks");
        Checks.probability(dropoutRate, "dropout_rate");
        Checks.positive(ffDim, "ff_dim");
        Objects.requireNonNull(act, "activation_fn");
        Objects.requireNonNull(normType, "norm_type");
        if (act != BaseActivation.RELU && act != BaseActivation.GELU) {
            throw new IllegalArgumentException(
                    "field 'activation_fn' must be \"relu\" or \"gelu\", got \"" + act.id() + "\"");
        }
        // channels = [C_in] * (num_blocks - 1) + [C_out]; layer i maps channels[i] -> channels[i+1]
        int[] channels = new int[numBlocks];
        java.util.Arrays.fill(channels, inputChannels);
        channels[numBlocks - 1] = outputChannels;
        for (int i = 0; i + 1 < numBlocks; i++) {
            int in = channels[i];
            int out = channels[i + 1];
            layers.add(
                    addChildBlock(
                            "mixer_layers." + i,
                            new MixerLayer(
                                    new TimeMixing(sequenceLength, in, act, dropoutRate, normType),
                                    new FeatureMixing(
                                            sequenceLength,
                                            in,
                                            out,
                                            ffDim,
                                            act,
                                            dropoutRate,
                                            normalizeBefore,
                                            normType))));
        }
        this.outputChannels = numBlocks == 1 ? inputChannels : outputChannels;
        temporalProjection =
                addChildBlock(
                        "temporal_projection", Linear.builder().setUnits(predictionLength).build());
        if (revIn && this.outputChannels != inputChannels) {
            throw new IllegalArgumentException(
                    "field 'rev_in' maps the forecast back with each input channel's statistics, so"
                            + " 'output_channels' must equal 'input_channels' ("
                            + inputChannels
                            + "), got "
                            + this.outputChannels);
        }
        this.revIn = revIn ? addChildBlock("rev_in", new RevIn(inputChannels, true)) : null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, S, C_in)
        NDList stats = null; // RevIN's (x' (B, S, C_in), mean (B, 1, C_in), stdev (B, 1, C_in))
        if (revIn != null) {
            stats = revIn.forward(ps, new NDList(x), training);
            x = stats.head(); // (B, S, C_in), normalised per sample and channel
        }
        for (MixerLayer layer : layers) {
            x = layer.forward(ps, new NDList(x), training).head(); // (B, S, C_out of the layer)
        }
        NDArray t = x.transpose(0, 2, 1); // (B, C_out, S)
        NDArray y = temporalProjection.forward(ps, new NDList(t), training).head(); // (B, C_out, H)
        NDArray out = y.transpose(0, 2, 1); // (B, H, C_out)
        if (revIn != null) {
            out = revIn.denormalize(ps, out, stats.get(1), stats.get(2), training); // (B, H, C_out)
        }
        return new NDList(out);
    }

    /** Dropout, skipped (no native call) at inference or at rate 0, where it is the identity. */
    static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0f ? Dropout.dropout(x, rate, true).head() : x;
    }

    /**
     * Checks a batch of windows: (batch, sequence_length, input_channels), finite.
     *
     * @param values the input
     * @throws IllegalArgumentException naming the shape the model takes, or the NaN
     */
    @Override
    public void checkInput(NDArray values) {
        WindowCheck.check("TSMixer", values, sequenceLength, inputChannels);
    }

    @Override
    public int contextLength() {
        return sequenceLength;
    }

    @Override
    public int horizon() {
        return predictionLength;
    }

    @Override
    public int inputChannels() {
        return inputChannels;
    }

    @Override
    public int outputChannels() {
        return outputChannels;
    }

    /**
     * @return the mixer layers, in order
     */
    public List<MixerLayer> getLayers() {
        return Collections.unmodifiableList(layers);
    }

    /**
     * @return the RevIN child ({@code rev_in}), or null when windows go in as they are
     */
    public RevIn getRevIn() {
        return revIn;
    }

    /**
     * @return the Linear from the lookback to the horizon, along time
     */
    public Linear getTemporalProjection() {
        return temporalProjection;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), predictionLength, outputChannels)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = inputs[0];
        for (MixerLayer layer : layers) {
            layer.initialize(manager, dataType, s);
            s = layer.getOutputShapes(new Shape[] {s})[0];
        }
        temporalProjection.initialize(
                manager, dataType, new Shape(s.get(0), s.get(2), sequenceLength));
        if (revIn != null) {
            revIn.initialize(manager, dataType, inputs[0]);
        }
    }
}
