package ai.mlpzoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * Softmax cross-entropy on a model's first output (our classifiers also return their pooled
 * features), with optional label smoothing (Szegedy et al. 2016): the target puts 1 - eps on the
 * label and eps / classes on every class.
 */
public class LogitsLoss extends Loss {

    private final float smoothing;

    /**
     * Creates the loss.
     *
     * @param smoothing label smoothing eps in [0, 1)
     */
    public LogitsLoss(float smoothing) {
        super("CrossEntropy");
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException(
                    "label smoothing must be in [0, 1), got " + smoothing);
        }
        this.smoothing = smoothing;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.get(0); // (batch, classes)
        NDArray label = labels.head().toType(ai.djl.ndarray.types.DataType.INT64, false); // (batch)
        NDArray logp = logits.logSoftmax(1);
        NDArray nll =
                logp.get(
                                new ai.djl.ndarray.index.NDIndex()
                                        .addAllDim()
                                        .addPickDim(label.expandDims(1)))
                        .neg()
                        .squeeze(1);
        if (smoothing == 0) {
            return nll.mean();
        }
        NDArray uniform = logp.mean(new int[] {1}).neg();
        return Scalars.mul(nll, 1 - smoothing).add(Scalars.mul(uniform, smoothing)).mean();
    }

    /**
     * @return the label smoothing
     */
    public float getSmoothing() {
        return smoothing;
    }
}
