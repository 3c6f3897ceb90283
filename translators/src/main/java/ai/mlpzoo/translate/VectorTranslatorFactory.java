package ai.mlpzoo.translate;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.translate.ArgumentsUtil;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * The translators of vector models (KANs, SAEs, any block on feature vectors), chosen by {@code
 * translatorFactory} in serving.properties or {@code Criteria.optTranslatorFactory}:
 *
 * <ul>
 *   <li>{@code float[]} to {@code float[]}: {@link VectorRegressor};
 *   <li>{@code float[]} to {@link SparseFeatures}: {@link SaeFeatureExtractor}, with arguments
 *       {@code threshold} (default 0) and {@code topK} (default 0, all active features);
 *   <li>{@link NDList} to {@link NDList}: raw tensors, whole batches.
 * </ul>
 */
public class VectorTranslatorFactory implements TranslatorFactory {

    private static final Set<Pair<Type, Type>> TYPES =
            Set.of(
                    new Pair<>(float[].class, float[].class),
                    new Pair<>(float[].class, SparseFeatures.class),
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
        ModelInfo info;
        try {
            info = ModelInfo.of(model);
        } catch (IOException e) {
            throw new TranslateException(e.getMessage(), e);
        }
        if (input == float[].class && output == float[].class) {
            return (Translator<I, O>) new VectorRegressor(info);
        }
        if (input == float[].class && output == SparseFeatures.class) {
            return (Translator<I, O>)
                    new SaeFeatureExtractor(
                            info,
                            ArgumentsUtil.floatValue(arguments, "threshold", 0f),
                            ArgumentsUtil.intValue(arguments, "topK", 0));
        }
        throw new IllegalArgumentException(
                "unsupported types "
                        + input.getName()
                        + " -> "
                        + output.getName()
                        + "; supported: "
                        + TYPES);
    }
}
