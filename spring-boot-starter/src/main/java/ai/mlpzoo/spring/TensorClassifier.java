package ai.mlpzoo.spring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * A model-ready tensor (already normalised, [N, ...input shape]) to class probabilities, one row
 * per batch item: the softmax of the block output named {@code output}.
 */
final class TensorClassifier implements Translator<TensorClassifier.Tensor, float[][]> {

    /**
     * A dense float tensor.
     *
     * @param data the values, row-major
     * @param shape the shape, batch first
     */
    record Tensor(float[] data, long[] shape) {}

    @Override
    public NDList processInput(TranslatorContext ctx, Tensor input) {
        return new NDList(ctx.getNDManager().create(input.data(), new Shape(input.shape())));
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) throws TranslateException {
        NDArray logits = list.get("output");
        if (logits == null) {
            if (list.size() != 1) {
                throw new TranslateException(
                        "the model has no output named 'output' (outputs: "
                                + list.getShapes()
                                + ")");
            }
            logits = list.singletonOrThrow();
        }
        if (logits.getShape().dimension() != 2) {
            throw new TranslateException(
                    "expected [batch, classes] logits, got " + logits.getShape());
        }
        int n = (int) logits.getShape().get(0);
        int c = (int) logits.getShape().get(1);
        float[] flat = logits.softmax(-1).toFloatArray();
        float[][] out = new float[n][c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * c, out[i], 0, c);
        }
        return out;
    }

    @Override
    public Batchifier getBatchifier() {
        return null; // the tensor carries its batch axis
    }
}
