package ai.mlpzoo.nlp;

import ai.djl.Model;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * Makes the {@link TextEmbeddingTranslator} of the zoo's {@code minilm}: {@code String} to {@code
 * float[]}, the normalised sentence embedding, with all-MiniLM-L6-v2's tokenizer.
 */
public class TextEmbeddingTranslatorFactory implements TranslatorFactory {

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(String.class, float[].class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(
            Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (input != String.class || output != float[].class) {
            throw new IllegalArgumentException(
                    "minilm translates String to float[] (a sentence embedding), not "
                            + input.getSimpleName()
                            + " to "
                            + output.getSimpleName());
        }
        try {
            return (Translator<I, O>) new TextEmbeddingTranslator(tokenizer());
        } catch (IOException e) {
            throw new TranslateException(e.getMessage(), e);
        }
    }

    private static SentenceTokenizer shared;

    /**
     * One tokenizer for every model the zoo loads: DJL's translators have no close, so a tokenizer
     * per load would leak its native handle; the Rust tokenizer encodes from several threads.
     */
    private static synchronized SentenceTokenizer tokenizer() throws IOException {
        if (shared == null) {
            shared = SentenceTokenizer.miniLm();
        }
        return shared;
    }
}
