package ai.mlpzoo.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.blocks.kan.KanOptions;
import ai.mlpzoo.train.LBFGS;
import java.util.Random;

/**
 * The KAN paper's first example (Liu et al. 2024, section 2.5 / figure 2.3): f(x, y) = exp(sin(pi
 * x) + y^2) on [-1, 1]^2, 1000 training and 1000 test points, a cubic (k = 3) KAN trained
 * full-batch with L-BFGS and extended through finer grids G = 3, 5, 10, 20 (pykan's refine), the
 * grids updated from the samples while the coarsest grid trains.
 */
public final class FunctionFitting {

    /** The target. */
    public static double target(double x, double y) {
        return Math.exp(Math.sin(Math.PI * x) + y * y);
    }

    /** The train and test sets, (n, 2) inputs and (n, 1) targets each. */
    public static final class Data {
        /** (1000, 2). */
        public final NDArray xTrain;

        /** (1000, 1). */
        public final NDArray yTrain;

        /** (1000, 2). */
        public final NDArray xTest;

        /** (1000, 1). */
        public final NDArray yTest;

        Data(NDManager m, int n, long seed) {
            Random rnd = new Random(seed);
            NDArray[] s = new NDArray[4];
            for (int part = 0; part < 2; part++) {
                float[] x = new float[2 * n];
                float[] y = new float[n];
                for (int i = 0; i < n; i++) {
                    x[2 * i] = (float) (2 * rnd.nextDouble() - 1);
                    x[2 * i + 1] = (float) (2 * rnd.nextDouble() - 1);
                    y[i] = (float) target(x[2 * i], x[2 * i + 1]);
                }
                s[2 * part] = m.create(x, new Shape(n, 2));
                s[2 * part + 1] = m.create(y, new Shape(n, 1));
            }
            xTrain = s[0];
            yTrain = s[1];
            xTest = s[2];
            yTest = s[3];
        }
    }

    /** One grid's outcome. */
    public static final class Stage {
        /** G. */
        public final int grid;

        /** Trainable parameters. */
        public final int params;

        /** Train RMSE. */
        public final double trainRmse;

        /** Test RMSE. */
        public final double testRmse;

        /** What L-BFGS did. */
        public final LBFGS.Result result;

        Stage(int grid, int params, double trainRmse, double testRmse, LBFGS.Result result) {
            this.grid = grid;
            this.params = params;
            this.trainRmse = trainRmse;
            this.testRmse = testRmse;
            this.result = result;
        }
    }

    private FunctionFitting() {}

    /**
     * Makes the data.
     *
     * @param manager the owner
     * @param n points per split
     * @param seed the seed
     * @return the data
     */
    public static Data data(NDManager manager, int n, long seed) {
        return new Data(manager, n, seed);
    }

    /**
     * Trains a KAN through a grid schedule.
     *
     * @param manager the owner of the networks
     * @param data the data
     * @param widths e.g. {2, 1, 1}
     * @param grids e.g. {3, 5, 10, 20}
     * @param iterations L-BFGS iterations per grid
     * @param seed the initialisation seed
     * @param onStage called after each grid with the network and the stage
     */
    public static void fitKan(
            NDManager manager,
            Data data,
            int[] widths,
            int[] grids,
            int iterations,
            long seed,
            java.util.function.BiConsumer<KAN, Stage> onStage) {
        manager.getEngine().setRandomSeed((int) seed);
        KAN kan = new KAN(widths, KanOptions.defaults().withGridSize(grids[0]));
        kan.initialize(manager, DataType.FLOAT32, new Shape(1, widths[0]));
        for (int gi = 0; gi < grids.length; gi++) {
            LBFGS.Result r = null;
            if (gi == 0) {
                // as pykan: let the grids follow the activations while the coarse model settles
                for (int round = 0; round < 4; round++) {
                    kan.updateGrid(data.xTrain, 0.01);
                    r = train(kan, manager, data, iterations / 8);
                }
                r = train(kan, manager, data, iterations / 2);
            } else {
                kan = kan.refine(grids[gi], data.xTrain, 0.01, manager);
                r = train(kan, manager, data, iterations);
            }
            int params = new LBFGS(kan, 1, 1, 0, 0).dimension();
            onStage.accept(
                    kan,
                    new Stage(
                            grids[gi],
                            params,
                            rmse(kan, manager, data.xTrain, data.yTrain),
                            rmse(kan, manager, data.xTest, data.yTest),
                            r));
        }
    }

    /**
     * L-BFGS on the mean squared error over the whole training set.
     *
     * @param block the model
     * @param manager the parent manager
     * @param data the data
     * @param iterations the budget
     * @return the result
     */
    public static LBFGS.Result train(Block block, NDManager manager, Data data, int iterations) {
        LBFGS lbfgs = new LBFGS(block, 10, iterations, 1e-12, 1e-14);
        return lbfgs.minimize(
                manager,
                new NDList(data.xTrain, data.yTrain),
                ps ->
                        block.forward(ps, new NDList(data.xTrain), true)
                                .head()
                                .sub(data.yTrain)
                                .square()
                                .mean());
    }

    /**
     * Root mean squared error.
     *
     * @param block the model
     * @param manager a manager for temporaries
     * @param x inputs (n, 2)
     * @param y targets (n, 1)
     * @return the RMSE
     */
    public static double rmse(Block block, NDManager manager, NDArray x, NDArray y) {
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(x, y);
            NDArray p =
                    block.forward(new ParameterStore(scope, false), new NDList(x), false).head();
            return Math.sqrt(p.sub(y).square().mean().getFloat());
        }
    }

    /**
     * An MLP 2 -> h -> h -> 1 with tanh, h chosen so that its parameter count is nearest to {@code
     * params}.
     *
     * @param params the parameter count to match
     * @return {block, h}
     */
    public static Object[] mlpMatching(int params) {
        int best = 1;
        for (int h = 1; h < 200; h++) {
            if (Math.abs(h * h + 5 * h + 1 - params)
                    < Math.abs(best * best + 5 * best + 1 - params)) {
                best = h;
            }
        }
        SequentialBlock mlp = new SequentialBlock();
        mlp.add(Linear.builder().setUnits(best).build()).add(Activation::tanh);
        mlp.add(Linear.builder().setUnits(best).build()).add(Activation::tanh);
        mlp.add(Linear.builder().setUnits(1).build());
        return new Object[] {mlp, best};
    }
}
