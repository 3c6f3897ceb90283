package ai.mlpzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A training step of every Fashion-MNIST image classifier leaves nothing behind in the model's
 * long-lived manager. DJL attaches an operation's result to its first operand's manager, so a
 * forward that starts an operation from a parameter (a gather on a position table, a scale times an
 * activation) keeps that result, and the autograd graph it holds, for the life of the model: a
 * Strip-MLP run grew by about 30 MB a step that way until the machine swapped. The count of arrays
 * under the trainer's manager must be the same after three more steps as after the first.
 */
class TrainingStepMemoryTest {

    static List<String> classifiers() {
        return Configs.variantNames().stream().filter(n -> n.endsWith("_fmnist")).toList();
    }

    @ParameterizedTest
    @MethodSource("classifiers")
    void stepsKeepTheModelsManagerFlat(String variant) {
        ModelConfig config = Configs.variant(variant);
        long[] dims = config.inputShape().getShape().clone();
        dims[0] = 4;
        Shape batch = new Shape(dims);
        LogitsLoss loss = new LogitsLoss(0.1f);
        AdamW adamw = new AdamW(step -> 1e-3, 0.05f);
        try (Model model = Model.newInstance(variant)) {
            model.setBlock(config.toBlock());
            try (Trainer trainer =
                    model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(adamw))) {
                trainer.initialize(batch);
                NDManager manager = trainer.getManager();
                // the parameters live in the model's manager, the trainer's is one of its children
                BaseNDManager owner = (BaseNDManager) model.getNDManager();
                int afterFirst = -1;
                for (int s = 0; s < 4; s++) {
                    adamw.setStep(s);
                    try (NDManager sub = manager.newSubManager()) {
                        NDArray x = sub.randomNormal(batch);
                        NDArray y = sub.create(new float[] {0, 1, 2, 3});
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList pred = trainer.forward(new NDList(x));
                            gc.backward(loss.evaluate(new NDList(y), pred));
                        }
                        trainer.step();
                    }
                    int arrays = owner.getManagedArrays().size();
                    if (s == 0) {
                        afterFirst = arrays;
                    } else {
                        assertEquals(
                                afterFirst,
                                arrays,
                                variant + ": arrays left in the model's manager after step " + s);
                    }
                }
                assertTrue(afterFirst > 0);
            } finally {
                adamw.close();
            }
        }
    }
}
