package ai.mlpzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import org.junit.jupiter.api.Test;

class LogitsLossTest {

    @Test
    void matchesDjlCrossEntropyAndSmoothsTowardsUniform() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray logits = m.randomNormal(new Shape(6, 4));
            NDArray labels = m.create(new float[] {0, 1, 2, 3, 1, 0});
            float ours =
                    new LogitsLoss(0)
                            .evaluate(
                                    new NDList(labels),
                                    new NDList(logits, m.zeros(new Shape(6, 2))))
                            .getFloat();
            float djl =
                    new SoftmaxCrossEntropyLoss()
                            .evaluate(new NDList(labels), new NDList(logits))
                            .getFloat();
            assertEquals(djl, ours, 1e-5);
            // eps = 1: the loss is the cross-entropy against the uniform distribution
            NDArray logp = logits.logSoftmax(1);
            float uniform = logp.mean(new int[] {1}).neg().mean().getFloat();
            float smoothed =
                    new LogitsLoss(0.5f)
                            .evaluate(new NDList(labels), new NDList(logits))
                            .getFloat();
            assertEquals(0.5f * djl + 0.5f * uniform, smoothed, 1e-5);
        }
    }
}
