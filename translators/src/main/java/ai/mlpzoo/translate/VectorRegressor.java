package ai.mlpzoo.translate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * {@code float[]} to {@code float[]} for regression models such as KANs: one feature vector in, the
 * output named {@code output} out. When the model's metadata records {@code input_size} [features],
 * a vector of another length is refused with a message naming both lengths; NaN or infinite
 * features are refused too, since they would silently poison every output.
 */
public class VectorRegressor implements Translator<float[], float[]> {

    private final int features;

    /**
     * Creates the translator.
     *
     * @param info the model's metadata ({@code input_size} [features] is checked when present)
     */
    public VectorRegressor(ModelInfo info) {
        int[] size = info.inputSize();
        if (size != null && size.length != 1) {
            throw new IllegalArgumentException(
                    info.source()
                            + ": a vector model's 'input_size' must be [features], got "
                            + size.length
                            + " axes");
        }
        features = size == null ? -1 : size[0];
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] input) {
        Vectors.check(input, features);
        return new NDList(ctx.getNDManager().create(input));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) throws TranslateException {
        NDArray out = Outputs.named(list, "output");
        return Outputs.finite(out.toFloatArray(), "output");
    }

    @Override
    public Batchifier getBatchifier() {
        return EngineNeutralStack.INSTANCE;
    }
}
