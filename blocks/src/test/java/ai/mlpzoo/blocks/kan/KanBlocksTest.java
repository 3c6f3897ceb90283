package ai.mlpzoo.blocks.kan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.mixer.LayerArgs;
import ai.mlpzoo.blocks.mixer.MixerBlock;
import ai.mlpzoo.blocks.mixer.MlpLayer;
import ai.mlpzoo.blocks.mixer.NormLayer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour of the KAN blocks beyond the reference fixtures: bad inputs, invariants, refits. */
class KanBlocksTest {

    private static NDArray forward(Block block, NDManager manager, NDArray x) {
        return block.forward(new ParameterStore(manager, false), new NDList(x), false).head();
    }

    private static KAN kan(NDManager manager, int[] widths, KanOptions opts) {
        KAN kan = new KAN(widths, opts);
        kan.initialize(manager, DataType.FLOAT32, new Shape(1, widths[0]));
        return kan;
    }

    @Test
    void gridSizeAndOrderBelowOneAreRefused() {
        IllegalArgumentException g =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> KanOptions.defaults().withGridSize(0));
        assertTrue(g.getMessage().contains("grid_size"), g.getMessage());
        IllegalArgumentException k =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> KanOptions.defaults().withSplineOrder(0));
        assertTrue(k.getMessage().contains("spline_order"), k.getMessage());
        IllegalArgumentException r =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> KanOptions.defaults().withGridRange(1, -1));
        assertTrue(r.getMessage().contains("grid_range"), r.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void bSplineBasesPartitionUnityInsideTheGrid(int order) {
        try (NDManager manager = NDManager.newBaseManager()) {
            KANLinear layer =
                    new KANLinear(
                            2, 1, KanOptions.defaults().withSplineOrder(order).withGridSize(4));
            layer.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
            NDArray x = manager.randomUniform(-0.999f, 0.999f, new Shape(64, 2));
            NDArray b = BSplines.bases(x, layer.gridParameter().getArray(), order);
            assertEquals(new Shape(64, 2, 4 + order), b.getShape());
            float err = b.sum(new int[] {2}).sub(1f).abs().max().getFloat();
            assertTrue(err < 1e-5, "bases sum to 1 inside the grid, off by " + err);
        }
    }

    /**
     * The closed form used for cubic bases on uniform knots equals the scalar Cox-de Boor
     * recursion, inside, at the knots and outside the grid; a moved knot falls back to the
     * recursion (same values on that grid too).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void cubicBasesOnUniformKnotsEqualTheRecursion(boolean uniform) {
        try (NDManager manager = NDManager.newBaseManager()) {
            int g = 5;
            double[][] knots = new double[2][];
            knots[0] = BSplines.uniformKnots(g, 3, -1, 1);
            knots[1] = BSplines.uniformKnots(g, 3, -0.5, 2);
            if (!uniform) {
                knots[1][6] += 0.05; // an adapted grid: no longer uniform
            }
            float[] flat = new float[2 * knots[0].length];
            for (int r = 0; r < 2; r++) {
                for (int j = 0; j < knots[r].length; j++) {
                    flat[r * knots[r].length + j] = (float) knots[r][j];
                }
            }
            NDArray grid = manager.create(flat, new Shape(2, knots[0].length));
            assertEquals(uniform, BSplines.uniformInverseSpacing(grid) != null);
            float[] xs = {-3f, -1.6f, -1f, -0.37f, 0f, 0.2f, 0.6f, 0.99f, 1.4f, 2.2f, 3.5f, -0.5f};
            NDArray x = manager.create(xs, new Shape(6, 2));
            float[] got = BSplines.bases(x, grid, 3).toFloatArray(); // (6, 2, g + 3)
            double[] want = new double[g + 3];
            for (int i = 0; i < xs.length; i++) {
                int r = i % 2;
                BSplines.basis(xs[i], knots[r], 3, want);
                for (int j = 0; j < g + 3; j++) {
                    assertEquals(want[j], got[i * (g + 3) + j], 2e-6, "x " + xs[i] + " basis " + j);
                }
            }
        }
    }

    @Test
    void inputsFarOutsideTheGridGiveFiniteOutputs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x =
                    manager.create(
                            new float[] {1e30f, -1e30f, 3e38f, -3e38f, 50f, -50f}, new Shape(2, 3));
            NDArray y =
                    forward(kan(manager, new int[] {3, 4, 2}, KanOptions.defaults()), manager, x);
            assertFinite(y, "KAN");
            FastKAN fast =
                    new FastKAN(
                            new int[] {3, 4, 2},
                            -2,
                            2,
                            8,
                            true,
                            true,
                            1e-5,
                            BaseActivation.SILU,
                            0.1);
            fast.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            // far outside [-2, 2]; LayerNorm's variance itself overflows float32 beyond ~1e19
            NDArray far =
                    manager.create(
                            new float[] {1e15f, -1e15f, 1e6f, -1e6f, 50f, -50f}, new Shape(2, 3));
            assertFinite(forward(fast, manager, far), "FastKAN");
            GroupRational rational = new GroupRational(3, RationalInit.SWISH);
            rational.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 3));
            assertFinite(forward(rational, manager, x.reshape(1, 2, 3)), "GroupRational");
        }
    }

    /**
     * The input contract the entry points check once; grid updates (training) check their samples.
     */
    @Test
    void nanInputIsAClearError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KAN kan = kan(manager, new int[] {2, 1}, KanOptions.defaults());
            NDArray x = manager.create(new float[] {0.1f, Float.NaN}, new Shape(1, 2));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> kan.checkInput(x));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            FastKAN fast =
                    new FastKAN(
                            new int[] {2, 1}, -2, 2, 8, true, true, 1e-5, BaseActivation.SILU, 0.1);
            IllegalArgumentException f =
                    assertThrows(IllegalArgumentException.class, () -> fast.checkInput(x));
            assertTrue(f.getMessage().contains("FastKAN input contains NaN"), f.getMessage());
            IllegalArgumentException s =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> kan.checkInput(manager.zeros(new Shape(1, 3))));
            assertTrue(
                    s.getMessage().contains("KAN input must have last axis 2, got shape (1, 3)"),
                    s.getMessage());
            IllegalArgumentException u =
                    assertThrows(IllegalArgumentException.class, () -> kan.updateGrid(x, 0.01));
            assertTrue(u.getMessage().contains("NaN"), u.getMessage());
            IllegalArgumentException w =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> forward(kan, manager, manager.zeros(new Shape(1, 3))));
            assertTrue(w.getMessage().contains("last axis 2"), w.getMessage());
        }
    }

    @Test
    void edgeReadoutReproducesTheLayer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KANLinear layer = new KANLinear(1, 1, KanOptions.defaults().withGridSize(7));
            layer.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            double[][] curve = KanEdges.of(layer).curve(0, 0, 50);
            float[] xs = new float[50];
            for (int i = 0; i < 50; i++) {
                xs[i] = (float) curve[0][i];
            }
            xs[49] = Math.nextDown(xs[49]); // inside the last, right-open interval
            float[] y =
                    forward(layer, manager, manager.create(xs, new Shape(50, 1))).toFloatArray();
            for (int i = 0; i < 50; i++) {
                assertEquals(curve[1][i], y[i], 1e-5, "phi(" + xs[i] + ")");
            }
            assertThrows(IllegalArgumentException.class, () -> KanEdges.of(layer).curve(1, 0, 10));
        }
    }

    @Test
    void refineToANestedGridKeepsTheFunction() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KAN coarse =
                    kan(
                            manager,
                            new int[] {2, 3, 1},
                            KanOptions.defaults().withScales(1.0, 1.0, 1.0));
            NDArray x = manager.randomUniform(-1f, 1f, new Shape(200, 2));
            NDArray before = forward(coarse, manager, x);
            KAN fine = coarse.refine(10, null, 0.01, manager);
            assertEquals(10, fine.getLayers().get(0).getOptions().gridSize());
            float diff = before.sub(forward(fine, manager, x)).abs().max().getFloat();
            assertTrue(
                    diff < 1e-4,
                    "uniform G 5 -> 10 is a refinement; the fit should be exact, off by " + diff);
        }
    }

    @Test
    void gridUpdateOnConstantSamplesStaysFinite() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KAN kan = kan(manager, new int[] {2, 2, 1}, KanOptions.defaults());
            NDArray x = manager.full(new Shape(32, 2), 0.3f);
            kan.updateGrid(x, 0.0);
            for (KANLinear layer : kan.getLayers()) {
                assertFinite(layer.gridParameter().getArray(), "grid");
                assertFinite(layer.splineWeightParameter().getArray(), "spline_weight");
            }
            assertFinite(forward(kan, manager, x), "output");
        }
    }

    @Test
    void gridIsSavedButNeverTrained() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KAN kan = kan(manager, new int[] {2, 1}, KanOptions.defaults());
            KANLinear layer = kan.getLayers().get(0);
            assertFalse(layer.gridParameter().requiresGradient());
            assertTrue(layer.splineWeightParameter().requiresGradient());
            NDArray x = manager.randomUniform(-1f, 1f, new Shape(16, 2));
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray loss =
                        kan.forward(new ParameterStore(manager, false), new NDList(x), true)
                                .head()
                                .square()
                                .sum();
                gc.backward(loss);
            }
            NDArray g = layer.splineWeightParameter().getArray().getGradient();
            assertTrue(g.abs().sum().getFloat() > 0, "spline weights get gradients");
        }
    }

    @Test
    void groupRationalIdentityAndSwishInits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.linspace(-3f, 3f, 64).reshape(1, 8, 8);
            GroupRational id = new GroupRational(4, RationalInit.IDENTITY);
            id.initialize(manager, DataType.FLOAT32, x.getShape());
            assertTrue(forward(id, manager, x).sub(x).abs().max().getFloat() < 1e-6);
            GroupRational swish = new GroupRational(2, RationalInit.SWISH);
            swish.initialize(manager, DataType.FLOAT32, x.getShape());
            NDArray silu = x.mul(x.neg().exp().add(1f).pow(-1f));
            float err = forward(swish, manager, x).sub(silu).abs().max().getFloat();
            assertTrue(err < 1e-4, "swish init approximates SiLU on [-3, 3], off by " + err);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> forward(new GroupRational(3, RationalInit.GELU), manager, x));
        }
    }

    @Test
    void kanMixerBlockRunsAndTrains() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MixerBlock block =
                    new MixerBlock(
                            new LayerArgs(
                                    16,
                                    4,
                                    new double[] {0.5, 4},
                                    NormLayer.layerNorm(1e-6),
                                    MlpLayer.kat(8, RationalInit.GELU),
                                    BaseActivation.GELU,
                                    0f,
                                    0f,
                                    1e-4));
            Shape s = new Shape(2, 4, 16);
            block.initialize(manager, DataType.FLOAT32, s);
            java.util.Set<String> names =
                    ai.mlpzoo.blocks.common.NamedParameters.of(block).keySet();
            assertTrue(
                    names.contains("mlp_channels.act1.weight_numerator"),
                    "KAT's MLP mixes the channels: " + names);
            assertTrue(
                    names.contains("mlp_tokens.fc1.weight"),
                    "a GELU MLP mixes the tokens: " + names);
            NDArray x = manager.randomNormal(s);
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray y =
                        block.forward(new ParameterStore(manager, false), new NDList(x), true)
                                .head();
                assertEquals(s, y.getShape());
                gc.backward(y.square().mean());
            }
            NDArray g =
                    ai.mlpzoo.blocks.common.NamedParameters.of(block)
                            .get("mlp_channels.act2.weight_denominator")
                            .getArray()
                            .getGradient();
            assertTrue(g.abs().sum().getFloat() > 0, "the rational's denominator is trained");
        }
    }

    @Test
    void fanLayerConcatenatesCosSinAndGelu() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FANLayer fan = new FANLayer(16);
            fan.initialize(manager, DataType.FLOAT32, new Shape(1, 5));
            assertEquals(4, fan.getPeriodicUnits());
            NDArray y = forward(fan, manager, manager.randomNormal(new Shape(3, 5)));
            assertEquals(new Shape(3, 16), y.getShape());
            NDArray unit = y.get(":, 0:4").square().add(y.get(":, 4:8").square());
            assertTrue(
                    unit.sub(1f).abs().max().getFloat() < 1e-5,
                    "cos^2 + sin^2 = 1 on the periodic units");
            assertThrows(IllegalArgumentException.class, () -> new FANLayer(2, 0.25, true));
        }
    }

    @Test
    void leastSquaresIsExactWhenWellPosedAndFiniteWhenRankDeficient() {
        Random rnd = new Random(7);
        double[][] a = new double[30][5];
        double[][] x = new double[5][2];
        for (double[] row : x) {
            row[0] = rnd.nextGaussian();
            row[1] = rnd.nextGaussian();
        }
        double[][] y = new double[30][2];
        for (int r = 0; r < 30; r++) {
            for (int c = 0; c < 5; c++) {
                a[r][c] = rnd.nextGaussian();
            }
            for (int j = 0; j < 2; j++) {
                for (int c = 0; c < 5; c++) {
                    y[r][j] += a[r][c] * x[c][j];
                }
            }
        }
        double[][] solved = LeastSquares.solve(a, y);
        for (int c = 0; c < 5; c++) {
            assertEquals(x[c][0], solved[c][0], 1e-9);
            assertEquals(x[c][1], solved[c][1], 1e-9);
        }
        // a zero column and two identical columns: no unique solution, still finite and fitting
        for (double[] row : a) {
            row[4] = 0;
            row[3] = row[2];
        }
        double[][] deficient = LeastSquares.solve(a, y);
        for (double[] row : deficient) {
            assertTrue(Double.isFinite(row[0]) && Double.isFinite(row[1]));
        }
        assertEquals(0, deficient[4][0], 1e-6, "an unused basis gets ~0");
        assertTrue(Double.isFinite(LeastSquares.solve(new double[3][2], new double[3][1])[0][0]));
    }

    private static void assertFinite(NDArray a, String what) {
        boolean bad = a.isNaN().logicalOr(a.isInfinite()).any().getBoolean();
        assertFalse(bad, what + " has non-finite values: " + a);
    }
}
