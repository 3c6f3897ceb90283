package ai.mlpzoo.blocks.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The attention against a case worked out by hand: width 2, two heads of width 1, identity q/k/v
 * projections, so head h attends with its own feature h alone.
 */
class MultiHeadSelfAttentionTest {

    private static final float E = (float) Math.E;

    /** x = [[1, 0], [0, 2]]: head 0 sees features (1, 0), head 1 sees (0, 2). */
    private static final float[] X = {1, 0, 0, 2};

    private static MultiHeadSelfAttention block(NDManager m, float[] outW, float[] outB) {
        MultiHeadSelfAttention a = new MultiHeadSelfAttention(2, 2, true);
        a.initialize(m, DataType.FLOAT32, new Shape(1, 2, 2));
        Map<String, Parameter> p = NamedParameters.of(a);
        for (String proj : new String[] {"query", "key", "value"}) {
            p.get(proj + ".weight").getArray().set(new float[] {1, 0, 0, 1});
            p.get(proj + ".bias").getArray().set(new float[] {0, 0});
        }
        p.get("output.weight").getArray().set(outW);
        p.get("output.bias").getArray().set(outB);
        return a;
    }

    private static float[] run(MultiHeadSelfAttention a, NDManager m, NDArray mask) {
        NDList in = new NDList(m.create(X, new Shape(1, 2, 2)));
        if (mask != null) {
            in.add(mask);
        }
        return a.forward(new ParameterStore(m, false), in, false).head().toFloatArray();
    }

    @Test
    void matchesTheHandComputedCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            // output projection swaps the two features and adds (0.5, -1)
            MultiHeadSelfAttention a = block(m, new float[] {0, 1, 1, 0}, new float[] {0.5f, -1});
            // head 0, token 0: scores (1*1, 1*0) / sqrt(1) -> softmax (e, 1)/(e+1) -> z = e/(e+1)
            // head 0, token 1: scores (0, 0) -> (1/2, 1/2) -> z = 1/2
            // head 1, token 0: scores (0, 0) -> z = (0 + 2)/2 = 1
            // head 1, token 1: scores (0, 4) -> z = 2 e^4/(1+e^4)
            float z00 = E / (E + 1);
            float z10 = 0.5f;
            float z01 = 1f;
            float z11 = 2 * (float) (Math.exp(4) / (1 + Math.exp(4)));
            float[] expected = {z01 + 0.5f, z00 - 1, z11 + 0.5f, z10 - 1};
            assertArrayEquals(expected, run(a, m, null), 1e-6f);
        }
    }

    @Test
    void theAdditiveMaskHidesPaddedKeys() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiHeadSelfAttention a = block(m, new float[] {1, 0, 0, 1}, new float[] {0, 0});
            NDArray mask =
                    MultiHeadSelfAttention.additiveMask(
                            m.create(new long[] {1, 0}, new Shape(1, 2)));
            assertEquals(new Shape(1, 1, 1, 2), mask.getShape());
            // only key 0 is visible: every query takes token 0's values (1, 0)
            assertArrayEquals(new float[] {1, 0, 1, 0}, run(a, m, mask), 1e-6f);
        }
    }

    @Test
    void hookZExposesEachHeadBeforeTheProjection() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiHeadSelfAttention a = block(m, new float[] {1, 0, 0, 1}, new float[] {0.25f, 0});
            Map<String, HookPoint> points = HookPoint.allIn(a);
            assertEquals(java.util.List.of("hook_z"), java.util.List.copyOf(points.keySet()));
            NDArray[] seen = new NDArray[1];
            HookPoint.Listener zero =
                    (in, out) -> {
                        seen[0] = out.duplicate();
                        return out.zerosLike();
                    };
            points.get("hook_z").attach(zero);
            float[] y = run(a, m, null);
            points.get("hook_z").detach(zero);
            assertEquals(new Shape(1, 2, 2, 1), seen[0].getShape()); // (B, T, heads, d_head)
            assertArrayEquals(
                    new float[] {
                        E / (E + 1), 1f, 0.5f, 2 * (float) (Math.exp(4) / (1 + Math.exp(4)))
                    },
                    seen[0].toFloatArray(),
                    1e-6f);
            // the projection saw the replacement: only the bias is left
            assertArrayEquals(new float[] {0.25f, 0, 0.25f, 0}, y, 0f);
        }
    }

    @Test
    void refusesAWidthTheHeadsDoNotDivide() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new MultiHeadSelfAttention(10, 3, true));
        assertTrue(e.getMessage().contains("divide"), e.getMessage());
    }
}
