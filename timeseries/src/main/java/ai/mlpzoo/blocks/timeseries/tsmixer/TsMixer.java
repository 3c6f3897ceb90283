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
import ai.mlpzoo.blocks.timeseries.WindowCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Google's TSMixer (Chen, Li, Arik, Yoder, Pfister, "TSMixer: An All-MLP Architecture for Time
 * Series Forecasting", TMLR 2023, arXiv:2303.06053) as the torchtsmixer port's {@code TSMixer}
 * (ditschuk/pytorch-tsmixer 0.2.0): mixer layers of time mixing and feature mixing, then a Linear
 * along time from the lookback to the horizon. Like torchtsmixer it has no RevIN: the window goes
 * in as it is.
 *
 * <p>torchtsmixer's {@code num_blocks} builds {@code num_blocks - 1} mixer layers: the layers map
 * C_in to C_in, except the last, C_in to C_out; with {@code num_blocks} 1 there is none and the
 * output has the input's channels. This block reproduces that count, so that its checkpoints load.
 *
 * <p>Children {@code mixer_layers.i}, {@code temporal_projection}: the state-dict names. Shapes:
 * NDList(values (B, S, C_in)) to NDList(forecast (B, horizon, C_out)). The forward trusts its
 * input; entry points call {@link #checkInput} once.
 */
public class TsMixer extends AbstractBlock implements Forecaster {

    private static final byte VERSION = 1;

    private final int sequenceLength;
    private final int predictionLength;
    private final int inputChannels;
    private final int outputChannels;
    private final List<MixerLayer> layers = new ArrayList<>();
    private final Linear temporalProjection;

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
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, S, C_in)
        for (MixerLayer layer : layers) {
            x = layer.forward(ps, new NDList(x), training).head(); // (B, S, C_out of the layer)
        }
        NDArray t = x.transpose(0, 2, 1); // (B, C_out, S)
        NDArray y = temporalProjection.forward(ps, new NDList(t), training).head(); // (B, C_out, H)
        return new NDList(y.transpose(0, 2, 1)); // (B, H, C_out)
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
    }
}
