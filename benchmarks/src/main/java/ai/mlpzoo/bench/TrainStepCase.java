package ai.mlpzoo.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.mlpzoo.train.AdamW;
import ai.mlpzoo.train.LogitsLoss;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One AdamW training step of a classifier with cross-entropy, as {@link
 * ai.mlpzoo.train.ImageClassifierTrainer} takes it: a sub-manager per step, one gradient collector,
 * forward, loss, backward, {@code trainer.step()}. The batch is random and fixed (data loading is
 * not timed). Reports images/s besides the step time.
 */
final class TrainStepCase extends BenchCase {

    private final Supplier<Block> block;
    private final Shape batchShape;
    private final int classes;
    private Model model;
    private Trainer trainer;
    private AdamW adamw;
    private NDArray x;
    private NDArray y;
    private long step;

    /**
     * @param name the case
     * @param block builds the model (not initialised)
     * @param batchShape the input batch shape
     * @param classes the number of classes
     * @param flops FLOPs per step, or NaN
     * @param warmup default warm-up steps
     * @param steps default timed steps
     */
    TrainStepCase(
            String name,
            Supplier<Block> block,
            Shape batchShape,
            int classes,
            double flops,
            int warmup,
            int steps) {
        super(name, flops, warmup, steps);
        this.block = block;
        this.batchShape = batchShape;
        this.classes = classes;
    }

    @Override
    public void setup() {
        model = Model.newInstance(name());
        model.setBlock(block.get());
        adamw = new AdamW(s -> 1e-3, 0.05f);
        trainer =
                model.newTrainer(new DefaultTrainingConfig(new LogitsLoss(0f)).optOptimizer(adamw));
        trainer.initialize(batchShape);
        NDManager m = trainer.getManager();
        x = m.randomNormal(batchShape);
        y =
                m.randomInteger(
                                0,
                                classes,
                                new Shape(batchShape.get(0)),
                                ai.djl.ndarray.types.DataType.INT64)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
    }

    @Override
    public void step() {
        adamw.setStep(step++);
        try (NDManager sub = trainer.getManager().newSubManager()) {
            // the batch lives in the step's manager, so every intermediate of the step does too
            NDArray xs = x.duplicate();
            NDArray ys = y.duplicate();
            xs.attach(sub);
            ys.attach(sub);
            float loss;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList pred = trainer.forward(new NDList(xs));
                NDArray l = trainer.getLoss().evaluate(new NDList(ys), pred);
                gc.backward(l);
                loss = l.getFloat();
            }
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException(name() + ": loss is " + loss + " at step " + step);
            }
            trainer.step();
        }
    }

    @Override
    public void report(double[] sortedMs, Map<String, String> extras) {
        double median = BenchResult.percentile(sortedMs, 50);
        extras.put(
                "images_per_s",
                String.format(Locale.ROOT, "%.0f", batchShape.get(0) / (median / 1e3)));
    }

    @Override
    public void close() {
        if (trainer != null) {
            trainer.close();
        }
        if (adamw != null) {
            adamw.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
