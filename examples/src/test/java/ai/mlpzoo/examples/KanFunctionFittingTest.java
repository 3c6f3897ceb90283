package ai.mlpzoo.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.mlpzoo.analysis.EdgePlots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KAN paper's first example: a [2, 5, 1] cubic KAN on exp(sin(pi x) + y^2), L-BFGS, grid
 * extension 3 -> 5 -> 10, must reach test RMSE <= 1e-3 at G = 10 (pykan reports 3.3e-4 for [2, 1,
 * 1] at G = 10 in float64).
 */
class KanFunctionFittingTest {

    @TempDir Path tmp;

    @Test
    void gridExtensionWithLbfgsReachesTheKanPaperAccuracy() throws Exception {
        Engine.getInstance(); // load the native library before touching its thread count
        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(
                1); // a tiny full-batch problem: thread hand-offs cost more than the math
        List<FunctionFitting.Stage> stages = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            FunctionFitting.Data data = FunctionFitting.data(manager, 1000, 0);
            FunctionFitting.fitKan(
                    manager,
                    data,
                    new int[] {2, 5, 1},
                    new int[] {3, 5, 10},
                    400,
                    0,
                    (kan, s) -> {
                        System.out.printf(
                                "KAN [2,5,1] G=%d: train RMSE %.3e, test RMSE %.3e (%s)%n",
                                s.grid, s.trainRmse, s.testRmse, s.result);
                        stages.add(s);
                        if (s.grid == 10) {
                            try {
                                EdgePlots.writeNetwork(kan, tmp.resolve("edges.png"), 100);
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    });
        } finally {
            JniUtils.setNumThreads(threads);
        }
        double g3 = stages.get(0).testRmse;
        double g10 = stages.get(2).testRmse;
        assertTrue(g10 <= 1e-3, "test RMSE at G = 10 is " + g10);
        assertTrue(g10 < g3, "finer grids fit better: G=3 " + g3 + ", G=10 " + g10);
        assertTrue(Files.size(tmp.resolve("edges.png")) > 1000, "the edge plot was written");
    }
}
