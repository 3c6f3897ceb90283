package ai.mlpzoo.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.mlpzoo.blocks.common.MseLoss;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ForecastConfig;
import ai.mlpzoo.train.AdamW;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The time-series cases (issue 20), each at a shipped ETTh1 variant of model-configs:
 *
 * <ul>
 *   <li>{@code tsmixer_train}, {@code tsmixer_infer1}: Google's TSMixer (Chen et al. 2023,
 *       "TSMixer: An All-MLP Architecture for Time Series Forecasting") as {@code
 *       tsmixer_google_etth1_h96} (context 512, horizon 96, 7 channels, 2 mixer layers of hidden
 *       64, batch norm, RevIN, dropout 0.9);
 *   <li>{@code timemixer_train}, {@code timemixer_infer1}: TimeMixer (Wang et al., ICLR 2024,
 *       "TimeMixer: Decomposable Multiscale Mixing for Time Series Forecasting") as {@code
 *       timemixer_etth1_h96} (context 96, horizon 96, 7 channels, channel independence, d_model 16,
 *       d_ff 32, 2 past-decomposable-mixing blocks over 4 scales 96/48/24/12, moving average 25,
 *       dropout 0.1, RevIN), fed with time marks (4 timeF features per step) as the variant is
 *       trained and run.
 * </ul>
 *
 * <p>{@code *_train}: one training step as {@code mlpzoo train} takes it (MSE, Adam at a constant
 * 1e-3, batch 32, Google's TSMixer settings, kept for TimeMixer so that the two read alike); {@code
 * *_infer1}: the forecast of one window, batch 1. The Python twins are in {@code
 * benchmarks/python/cases_timeseries.py}.
 */
final class TimeSeriesCases implements CaseGroup {

    static final String TSMIXER = "tsmixer_google_etth1_h96";
    static final String TIMEMIXER = "timemixer_etth1_h96";

    @Override
    public List<String> names() {
        return List.of("tsmixer_train", "tsmixer_infer1", "timemixer_train", "timemixer_infer1");
    }

    @Override
    public BenchCase create(String name, Cases.Options o) {
        switch (name) {
            case "tsmixer_train":
                return new ForecastTrainCase(name, TSMIXER, 32, 3, 30);
            case "tsmixer_infer1":
                return new InferCase(
                        name,
                        () -> Configs.variant(TSMIXER).toBlock(),
                        new Shape(1, 512, 7),
                        Double.NaN,
                        BenchCase.INFER1_WARMUP,
                        BenchCase.INFER1_STEPS);
            case "timemixer_train":
                return new ForecastTrainCase(name, TIMEMIXER, 32, 3, 30);
            case "timemixer_infer1":
                return new ForecastInferCase(
                        name, TIMEMIXER, BenchCase.INFER1_WARMUP, BenchCase.INFER1_STEPS);
            default:
                return null;
        }
    }

    /**
     * One training step of a forecaster as {@code ai.mlpzoo.train.ForecastTrainer} takes it: MSE
     * ({@link MseLoss}), our AdamW with no weight decay at a constant learning rate (Adam), forward
     * in training mode (dropout, batch statistics), backward, update. The windows are random and
     * fixed; a model that reads time features gets a fixed random (B, L, F) array of marks in
     * [-0.5, 0.5] (the range of timeF features) as its second input, as ForecastTrainer feeds it.
     * Reports windows/s.
     */
    static final class ForecastTrainCase extends BenchCase {

        private final String variant;
        private final int batch;
        private Shape xShape;
        private Model model;
        private Trainer trainer;
        private AdamW adam;
        private NDArray x;
        private NDArray marks;
        private NDArray y;
        private long step;

        /**
         * @param name the case
         * @param variant a forecasting variant of model-configs
         * @param batch windows per step
         * @param warmup untimed steps
         * @param steps timed steps
         */
        ForecastTrainCase(String name, String variant, int batch, int warmup, int steps) {
            super(name, Double.NaN, warmup, steps);
            this.variant = variant;
            this.batch = batch;
        }

        @Override
        public void setup() {
            ForecastConfig config = (ForecastConfig) Configs.variant(variant);
            xShape = new Shape(batch, config.contextLength(), config.inputChannels());
            Shape yShape = new Shape(batch, config.horizon(), config.inputChannels());
            int f = config.timeFeatures();
            Shape mShape = new Shape(batch, config.contextLength(), f);
            model = Model.newInstance(name());
            model.setBlock(config.toBlock());
            adam = new AdamW(s -> 1e-3, 0f);
            trainer = model.newTrainer(new DefaultTrainingConfig(new MseLoss()).optOptimizer(adam));
            if (f > 0) {
                trainer.initialize(xShape, mShape);
            } else {
                trainer.initialize(xShape);
            }
            NDManager m = trainer.getManager();
            x = m.randomNormal(xShape); // (B, L, N)
            y = m.randomNormal(yShape); // (B, H, N)
            marks = f > 0 ? m.randomUniform(-0.5f, 0.5f, mShape) : null; // (B, L, F)
        }

        @Override
        public void step() {
            adam.setStep(step++);
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDArray xs = x.duplicate();
                NDArray ys = y.duplicate();
                xs.attach(sub);
                ys.attach(sub);
                NDList in = new NDList(xs);
                if (marks != null) {
                    NDArray ms = marks.duplicate();
                    ms.attach(sub);
                    in.add(ms);
                }
                float loss;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList pred = trainer.forward(in);
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

    /**
     * The forecast of one batch of fixed random windows in inference mode, as {@link InferCase}
     * ({@code forward(training=false)}, no collector, parameters not requiring gradients, every
     * step's arrays in a sub-manager), plus, for a model that reads time features, fixed random
     * marks in [-0.5, 0.5] as the second input.
     */
    static final class ForecastInferCase extends BenchCase {

        private final String variant;
        private NDManager manager;
        private Block block;
        private NDArray x;
        private NDArray marks;
        private ParameterStore ps;

        /**
         * @param name the case
         * @param variant a forecasting variant of model-configs
         * @param warmup untimed steps
         * @param steps timed steps
         */
        ForecastInferCase(String name, String variant, int warmup, int steps) {
            super(name, Double.NaN, warmup, steps);
            this.variant = variant;
        }

        @Override
        public void setup() {
            ForecastConfig config = (ForecastConfig) Configs.variant(variant);
            Shape xShape = new Shape(1, config.contextLength(), config.inputChannels());
            int f = config.timeFeatures();
            Shape mShape = new Shape(1, config.contextLength(), f);
            manager = NDManager.newBaseManager();
            block = config.toBlock();
            if (f > 0) {
                block.initialize(manager, DataType.FLOAT32, xShape, mShape);
            } else {
                block.initialize(manager, DataType.FLOAT32, xShape);
            }
            x = manager.randomNormal(xShape); // (1, L, N)
            marks = f > 0 ? manager.randomUniform(-0.5f, 0.5f, mShape) : null; // (1, L, F)
            ps = new ParameterStore(manager, false);
        }

        @Override
        public void step() {
            try (NDManager sub = manager.newSubManager()) {
                NDArray xs = x.duplicate();
                xs.attach(sub);
                NDList in = new NDList(xs);
                if (marks != null) {
                    NDArray ms = marks.duplicate();
                    ms.attach(sub);
                    in.add(ms);
                }
                NDList out = block.forward(ps, in, false); // (1, H, N)
                out.head().getShape();
            }
        }

        @Override
        public void report(double[] sortedMs, Map<String, String> extras) {
            extras.put("params", Long.toString(trainableParameters(block)));
        }

        @Override
        public void close() {
            if (manager != null) {
                manager.close();
            }
        }
    }
}
