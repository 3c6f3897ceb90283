package ai.mlpzoo.translate;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.translator.BaseImageTranslatorFactory;
import ai.djl.ndarray.NDList;
import ai.djl.translate.ArgumentsUtil;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.Translator;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * The translators of an image classifier, chosen by {@code translatorFactory} in serving.properties
 * or {@code Criteria.optTranslatorFactory}: {@link Image} (and, through DJL's expansions, {@code
 * Path}, {@code URL}, {@code InputStream}, {@code String}) to {@link Classifications} with {@link
 * ImageClassifier}, and {@link NDList} to {@link NDList} for raw tensors (whole batches, as DJL's
 * default). Argument {@code topK} (default 5) sets how many classes {@code topK()} reports.
 */
public class ImageClassifierFactory extends BaseImageTranslatorFactory<Classifications> {

    private static final Pair<Type, Type> RAW = new Pair<>(NDList.class, NDList.class);

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        Set<Pair<Type, Type>> types = super.getSupportedTypes();
        types.add(RAW);
        return types;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(
            Class<I> input, Class<O> output, Model model, Map<String, ?> arguments) {
        if (input == NDList.class && output == NDList.class) {
            return (Translator<I, O>) new NoopTranslator();
        }
        return super.newInstance(input, output, model, arguments);
    }

    @Override
    protected Translator<Image, Classifications> buildBaseTranslator(
            Model model, Map<String, ?> arguments) {
        try {
            return new ImageClassifier(
                    ModelInfo.of(model), ArgumentsUtil.intValue(arguments, "topK", 5));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public Class<Classifications> getBaseOutputType() {
        return Classifications.class;
    }
}
