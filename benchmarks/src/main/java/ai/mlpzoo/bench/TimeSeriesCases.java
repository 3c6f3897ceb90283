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
import ai.djl.training.loss.Loss;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.train.AdamW;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The time-series cases (issue 20): Google's TSMixer (Chen et al. 2023, "TSMixer: An All-MLP
 * Architecture for Time Series Forecasting") in the repository's ETTh1 configuration {@code
 * tsmixer_google_etth1_h96} (context 512, horizon 96, 7 channels, 2 mixer layers of hidden 64,
 * batch norm, RevIN, dropout 0.9):
 *
 * <ul>
 *   <li>{@code tsmixer_train}: one training step as {@code mlpzoo train} takes it with the
 *       documented settings (MSE, Adam at a constant 1e-3, batch 32);
 *   <li>{@code tsmixer_infer1}: the forecast of one window, batch 1.
 * </ul>
 *
 * <p>TimeMixer has no case yet (its PyTorch side, the multiscale decomposition and mixing, is not
 * written).
 */
final class TimeSeriesCases implements CaseGroup {

    static final String TSMIXER = "tsmixer_google_etth1_h96";

    @Override
    public List<String> names() {
        return List.of("tsmixer_train", "tsmixer_infer1");
    }

    @Override
    public BenchCase create(String name, Cases.Options o) {
        switch (name) {
            case "tsmixer_train":
                return new ForecastTrainCase(
                        name, () -> Configs.variant(TSMIXER).toBlock(), 32, 512, 96, 7, 3, 30);
            case "tsmixer_infer1":
                return new InferCase(
                        name,
                        () -> Configs.variant(TSMIXER).toBlock(),
                        new Shape(1, 512, 7),
                        Double.NaN,
                        20,
                        200);
            default:
                return null;
        }
    }

    /**
     * One training step of a forecaster as {@code ai.mlpzoo.train.ForecastTrainer} takes it: MSE
     * ({@code Loss.l2Loss("mse", 1)}), our AdamW with no weight decay at a constant learning rate
     * (Adam), forward in training mode (dropout, batch statistics), backward, update. The windows
     * are random and fixed; reports windows/s.
     */
    static final class ForecastTrainCase extends BenchCase {

        private final Supplier<Block> block;
        private final Shape xShape;
        private final Shape yShape;
        private Model model;
        private Trainer trainer;
        private AdamW adam;
        private NDArray x;
        private NDArray y;
        private long step;

        ForecastTrainCase(
                String name,
                Supplier<Block> block,
                int batch,
                int context,
                int horizon,
                int channels,
                int warmup,
                int steps) {
            super(name, Double.NaN, warmup, steps);
            this.block = block;
            this.xShape = new Shape(batch, context, channels);
            this.yShape = new Shape(batch, horizon, channels);
        }

        @Override
        public void setup() {
            model = Model.newInstance(name());
            model.setBlock(block.get());
            adam = new AdamW(s -> 1e-3, 0f);
            trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(Loss.l2Loss("mse", 1)).optOptimizer(adam));
            trainer.initialize(xShape);
            NDManager m = trainer.getManager();
            x = m.randomNormal(xShape);
            y = m.randomNormal(yShape);
        }

        @Override
        public void step() {
            adam.setStep(step++);
            try (NDManager sub = trainer.getManager().newSubManager()) {
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
                    throw new IllegalStateException(name() + ": loss is " + loss);
                }
                trainer.step();
            }
        }

        @Override
        public void report(double[] sortedMs, Map<String, String> extras) {
            double median = BenchResult.percentile(sortedMs, 50);
            extras.put(
                    "windows_per_s",
                    String.format(Locale.ROOT, "%.0f", xShape.get(0) / (median / 1e3)));
            extras.put("params", Long.toString(trainableParameters(model.getBlock())));
        }

        @Override
        public void close() {
            if (trainer != null) {
                trainer.close();
            }
            if (adam != null) {
                adam.close();
            }
            if (model != null) {
                model.close();
            }
        }
    }
}
