package ai.mlpzoo.examples;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.mlpzoo.analysis.EdgePlots;
import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.train.LBFGS;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs {@link FunctionFitting}: prints the KAN's train/test RMSE at G = 3, 5, 10, 20 and an MLP
 * with the same parameter count trained the same way (L-BFGS, same budget), then writes the KAN's
 * edge functions and the RMSE-versus-parameters curve as PNGs.
 *
 * <p>Arguments: [output folder (default kan-fit)] [widths, default 2,5,1] [iterations per grid,
 * default 200].
 */
public final class KanFunctionFittingMain {

    private KanFunctionFittingMain() {}

    /**
     * Runs the example.
     *
     * @param args see the class comment
     * @throws Exception on I/O failure
     */
    public static void main(String[] args) throws Exception {
        // tiny full-batch problems: one PyTorch thread avoids thread hand-offs costing more than
        // the math
        System.setProperty(
                "ai.djl.pytorch.num_threads",
                System.getProperty("ai.djl.pytorch.num_threads", "1"));
        System.setProperty(
                "ai.djl.pytorch.num_interop_threads",
                System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        Path out = Paths.get(args.length > 0 ? args[0] : "kan-fit");
        int[] widths =
                args.length > 1
                        ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                        : new int[] {2, 5, 1};
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int[] grids = {3, 5, 10, 20};
        java.nio.file.Files.createDirectories(out);
        List<double[]> kanCurve = new ArrayList<>();
        List<double[]> mlpCurve = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            FunctionFitting.Data data = FunctionFitting.data(manager, 1000, 0);
            long start = System.nanoTime();
            KAN[] last = new KAN[1];
            FunctionFitting.fitKan(
                    manager,
                    data,
                    widths,
                    grids,
                    iterations,
                    0,
                    (kan, s) -> {
                        System.out.printf(
                                Locale.ROOT,
                                "KAN %s G=%2d params=%4d train RMSE %.3e test RMSE %.3e (%s, %.1f s)%n",
                                Arrays.toString(widths),
                                s.grid,
                                s.params,
                                s.trainRmse,
                                s.testRmse,
                                s.result,
                                (System.nanoTime() - start) / 1e9);
                        kanCurve.add(new double[] {s.params, s.testRmse});
                        last[0] = kan;
                    });
            EdgePlots.writeNetwork(last[0], out.resolve("kan-edges.png"), 200);
            for (double[] k : kanCurve) {
                Object[] built = FunctionFitting.mlpMatching((int) k[0]);
                Block mlp = (Block) built[0];
                manager.getEngine().setRandomSeed(0);
                mlp.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
                long t0 = System.nanoTime();
                // the KAN's whole budget: every grid's iterations
                LBFGS.Result r =
                        FunctionFitting.train(mlp, manager, data, iterations * grids.length);
                int params = new LBFGS(mlp, 1, 1, 0, 0).dimension();
                double test = FunctionFitting.rmse(mlp, manager, data.xTest, data.yTest);
                System.out.printf(
                        Locale.ROOT,
                        "MLP [2,%d,%d,1] tanh params=%4d train RMSE %.3e test RMSE %.3e (%s, %.1f s)%n",
                        (int) built[1],
                        (int) built[1],
                        params,
                        FunctionFitting.rmse(mlp, manager, data.xTrain, data.yTrain),
                        test,
                        r,
                        (System.nanoTime() - t0) / 1e9);
                mlpCurve.add(new double[] {params, test});
            }
            EdgePlots.writeScaling(kanCurve, mlpCurve, out.resolve("rmse-vs-params.png"));
            System.out.println("figures written to " + out.toAbsolutePath());
        }
    }
}
