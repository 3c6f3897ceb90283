package ai.mlpzoo.translate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

/**
 * {@link TimeSeries} to {@link Forecast} for the forecasters (PatchTSMixer, TimeMixer, TSMixer):
 * the window's last {@code context} rows, in the data's own units, are z-scored with the training
 * statistics recorded in the model's {@code metadata.json} ({@code mean}, {@code std}), given their
 * time features when the model reads them, and the forecast is scaled back, so that raw values go
 * in and raw values come out. A longer window is fine (its last rows are used, as a forecaster in
 * production keeps appending); a shorter one, another channel count, a NaN or infinite value, or
 * missing timestamps for a model that needs them are refused with a message saying what the model
 * takes.
 */
public class ForecastTranslator implements Translator<TimeSeries, Forecast> {

    private static final String LAST = "last_timestamp";
    private static final String STEP = "step";

    private final ModelInfo info;
    private final int context;
    private final int channels;
    private final float[] mean;
    private final float[] std;

    /**
     * Creates the translator.
     *
     * @param info the model's metadata: {@code input_size} [context, channels] is required
     * @throws IllegalArgumentException when the metadata does not describe a forecaster
     */
    public ForecastTranslator(ModelInfo info) {
        this.info = info;
        int[] size = info.inputSize();
        if (size == null || size.length != 2) {
            throw new IllegalArgumentException(
                    info.source()
                            + ": a forecaster's metadata needs 'input_size' [context, channels]"
                            + (size == null ? "" : ", got " + size.length + " axes"));
        }
        context = size[0];
        channels = size[1];
        mean = info.mean();
        std = info.std();
        if ((mean == null) != (std == null)
                || (mean != null && (mean.length != channels || std.length != channels))) {
            throw new IllegalArgumentException(
                    info.source()
                            + ": 'mean' and 'std' must both hold one value per channel ("
                            + channels
                            + ")");
        }
        if (info.timeFeatures() != 0 && info.timeFeatures() != TimeFeatures.HOURLY) {
            throw new IllegalArgumentException(
                    info.source()
                            + ": 'time_features' "
                            + info.timeFeatures()
                            + " is not supported; the hourly features are "
                            + TimeFeatures.HOURLY);
        }
    }

    /**
     * @return the steps the model reads
     */
    public int contextLength() {
        return context;
    }

    /**
     * @return the channels the model reads
     */
    public int channels() {
        return channels;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, TimeSeries input) {
        if (input.channels() != channels) {
            throw new IllegalArgumentException(
                    "the model reads "
                            + channels
                            + " channels"
                            + columnNames()
                            + ", the series has "
                            + input.channels());
        }
        if (input.steps() < context) {
            throw new IllegalArgumentException(
                    "the model reads the last "
                            + context
                            + " steps, the series has only "
                            + input.steps());
        }
        int first = input.steps() - context;
        float[] z = new float[context * channels];
        for (int t = 0; t < context; t++) {
            float[] row = input.values()[first + t];
            for (int c = 0; c < channels; c++) {
                float v = row[c];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(
                            "row "
                                    + (first + t)
                                    + ", channel "
                                    + c
                                    + " of the series is "
                                    + v
                                    + " (NaN or infinite)");
                }
                z[t * channels + c] = mean == null ? v : (v - mean[c]) / std[c];
            }
        }
        NDManager manager = ctx.getNDManager();
        // values: (context, channels), z-scored
        NDList list = new NDList(manager.create(z, new Shape(context, channels)));
        LocalDateTime[] stamps = input.timestamps();
        if (info.timeFeatures() > 0) {
            if (stamps == null) {
                throw new IllegalArgumentException(
                        "this model reads time features: give the timestamp of every row"
                                + " (TimeSeries(values, timestamps), or a date column)");
            }
            LocalDateTime[] window = new LocalDateTime[context];
            System.arraycopy(stamps, first, window, 0, context);
            // marks: (context, 4)
            list.add(
                    manager.create(
                            TimeFeatures.hourly(window), new Shape(context, TimeFeatures.HOURLY)));
        }
        if (stamps != null) {
            ctx.setAttachment(LAST, stamps[stamps.length - 1]);
            Duration step = info.step();
            if (step == null && stamps.length > 1) {
                step = Duration.between(stamps[stamps.length - 2], stamps[stamps.length - 1]);
            }
            if (step != null && !step.isNegative() && !step.isZero()) {
                ctx.setAttachment(STEP, step);
            }
        }
        return list;
    }

    @Override
    public Forecast processOutput(TranslatorContext ctx, NDList list) throws TranslateException {
        NDArray out = list.head();
        Shape shape = out.getShape();
        if (shape.dimension() != 2 || shape.get(1) != channels) {
            throw new TranslateException(
                    "the model's forecast has shape "
                            + shape
                            + "; this translator expects (horizon, "
                            + channels
                            + ")");
        }
        int horizon = (int) shape.get(0);
        float[] flat = Outputs.finite(out.toFloatArray(), "forecast");
        float[][] values = new float[horizon][channels];
        for (int t = 0; t < horizon; t++) {
            for (int c = 0; c < channels; c++) {
                float v = flat[t * channels + c];
                values[t][c] = mean == null ? v : v * std[c] + mean[c];
            }
        }
        LocalDateTime last = (LocalDateTime) ctx.getAttachment(LAST);
        Duration step = (Duration) ctx.getAttachment(STEP);
        LocalDateTime[] stamps = null;
        if (last != null && step != null) {
            stamps = new LocalDateTime[horizon];
            for (int t = 0; t < horizon; t++) {
                stamps[t] = last.plus(step.multipliedBy(t + 1L));
            }
        }
        List<String> columns = info.columns();
        return new Forecast(values, stamps, columns);
    }

    private String columnNames() {
        List<String> columns = info.columns();
        return columns == null ? "" : " " + columns;
    }

    @Override
    public Batchifier getBatchifier() {
        return EngineNeutralStack.INSTANCE;
    }
}
