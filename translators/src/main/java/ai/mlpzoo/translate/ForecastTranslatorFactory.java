package ai.mlpzoo.translate;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * The translators of forecasting models, chosen by {@code translatorFactory} in serving.properties
 * or {@code Criteria.optTranslatorFactory}:
 *
 * <ul>
 *   <li>{@link TimeSeries} to {@link Forecast}: {@link ForecastTranslator}, values and timestamps
 *       in the data's own units;
 *   <li>{@code float[][]} to {@code float[][]}: the same without timestamps (steps x channels in,
 *       horizon x channels out);
 *   <li>{@link NDList} to {@link NDList}: raw tensors (z-scored windows), whole batches.
 * </ul>
 */
public class ForecastTranslatorFactory implements TranslatorFactory {

    private static final Set<Pair<Type, Type>> TYPES =
            Set.of(
                    new Pair<>(TimeSeries.class, Forecast.class),
                    new Pair<>(float[][].class, float[][].class),
                    new Pair<>(NDList.class, NDList.class));

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return TYPES;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(
            Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (input == NDList.class && output == NDList.class) {
            return (Translator<I, O>) new NoopTranslator();
        }
        ForecastTranslator translator;
        try {
            translator = new ForecastTranslator(ModelInfo.of(model));
        } catch (IOException e) {
            throw new TranslateException(e.getMessage(), e);
        }
        if (input == TimeSeries.class && output == Forecast.class) {
            return (Translator<I, O>) translator;
        }
        if (input == float[][].class && output == float[][].class) {
            return (Translator<I, O>) new Arrays2d(translator);
        }
        throw new IllegalArgumentException(
                "unsupported types "
                        + input.getName()
                        + " -> "
                        + output.getName()
                        + "; supported: TimeSeries -> Forecast, float[][] -> float[][], NDList ->"
                        + " NDList");
    }

    /** Plain arrays: the forecast translator without timestamps. */
    private static final class Arrays2d implements Translator<float[][], float[][]> {

        private final ForecastTranslator inner;

        Arrays2d(ForecastTranslator inner) {
            this.inner = inner;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, float[][] input) {
            return inner.processInput(ctx, TimeSeries.of(input));
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list)
                throws TranslateException {
            return inner.processOutput(ctx, list).values();
        }

        @Override
        public Batchifier getBatchifier() {
            return inner.getBatchifier();
        }
    }
}
