package ai.mlpzoo.translate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * A sparse autoencoder's (or transcoder's) features of one activation vector: {@code float[]}
 * activations of the hooked layer in, {@link SparseFeatures} out, taken from the block output named
 * {@code feature_acts} (SAELens' name for the latents).
 */
public class SaeFeatureExtractor implements Translator<float[], SparseFeatures> {

    /** The output that holds the latents. */
    public static final String FEATURES = "feature_acts";

    private final int dIn;
    private final float threshold;
    private final int topK;

    /**
     * Creates the translator.
     *
     * @param info the model's metadata ({@code input_size} [d_in] is checked when present)
     * @param threshold features with |activation| above this count as active (usually 0)
     * @param topK report at most this many features, the largest (0: all active ones)
     */
    public SaeFeatureExtractor(ModelInfo info, float threshold, int topK) {
        int[] size = info.inputSize();
        dIn = size == null || size.length != 1 ? -1 : size[0];
        if (!(threshold >= 0)) {
            throw new IllegalArgumentException("threshold must be >= 0, got " + threshold);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        this.threshold = threshold;
        this.topK = topK;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] input) {
        Vectors.check(input, dIn);
        return new NDList(ctx.getNDManager().create(input));
    }

    @Override
    public SparseFeatures processOutput(TranslatorContext ctx, NDList list)
            throws TranslateException {
        NDArray acts = Outputs.named(list, FEATURES);
        return SparseFeatures.of(Outputs.finite(acts.toFloatArray(), FEATURES), threshold, topK);
    }

    @Override
    public Batchifier getBatchifier() {
        return EngineNeutralStack.INSTANCE;
    }
}
