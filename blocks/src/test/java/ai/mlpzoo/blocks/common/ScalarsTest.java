package ai.mlpzoo.blocks.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The gradient through an operation with a constant survives a garbage collection between the
 * forward and the backward pass. The stress: collect twice, then allocate thousands of small direct
 * buffers holding 1e30, so that memory a collected buffer held is handed out again and overwritten.
 * DJL's own {@code mul(Number)} under the same stress gives a gradient of 1e30 instead of 3 on this
 * machine (printed here, not asserted: that is DJL's behaviour, which a later DJL may fix).
 */
class ScalarsTest {

    private static final float[] X = {0.5f, 2f, 3f}; // all positive, away from the clamps

    @Test
    void mulGradientIsTheConstant() throws Exception {
        assertArrayEquals(new float[] {3f, 3f, 3f}, gradient(x -> Scalars.mul(x, 3)), 0f);
    }

    @Test
    void divGradientIsTheReciprocal() throws Exception {
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, gradient(x -> Scalars.div(x, 4)), 0f);
    }

    @Test
    void powGradientIsTheDerivative() throws Exception {
        // d(x^3)/dx = 3 x^2
        assertArrayEquals(new float[] {0.75f, 12f, 27f}, gradient(x -> Scalars.pow(x, 3)), 1e-6f);
    }

    @Test
    void maximumPassesTheGradientWhereXIsLarger() throws Exception {
        assertArrayEquals(new float[] {0f, 1f, 1f}, gradient(x -> Scalars.maximum(x, 1)), 0f);
    }

    @Test
    void minimumPassesTheGradientWhereXIsSmaller() throws Exception {
        assertArrayEquals(new float[] {1f, 0f, 0f}, gradient(x -> Scalars.minimum(x, 1)), 0f);
    }

    @Test
    void inPlaceFormsOnAFreshArrayKeepTheGradient() throws Exception {
        // y = (x * 1) then y *= 3, y /= 2: d/dx = 1.5
        assertArrayEquals(
                new float[] {1.5f, 1.5f, 1.5f},
                gradient(x -> Scalars.divi(Scalars.muli(Scalars.mul(x, 1), 3), 2)),
                0f);
    }

    @Test
    void resultKeepsTheTypeAndShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[][] {{1, 2}, {3, 4}});
            NDArray y = Scalars.mul(x, 0.5);
            assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 2f}, y.toFloatArray(), 0f);
            org.junit.jupiter.api.Assertions.assertEquals(x.getShape(), y.getShape());
            org.junit.jupiter.api.Assertions.assertEquals(x.getDataType(), y.getDataType());
        }
    }

    /** d sum(op(x)) / dx with the stress between forward and backward. */
    private static float[] gradient(UnaryOperator<NDArray> op) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = op.apply(x).sum(); // ()
                stress();
                gc.backward(y);
            }
            float[] g = x.getGradient().toFloatArray();
            System.out.println("Scalars gradient " + Arrays.toString(g));
            return g;
        }
    }

    /** Frees collectable direct buffers and hands their memory out again, filled with 1e30. */
    static void stress() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100); // the cleaner thread frees the buffers' memory
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, 1e30f);
            junk.add(b);
        }
    }

    @Test
    void djlsOwnMulUnderTheSameStressIsReported() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = x.mul(3f).sum(); // DJL: a scalar over a direct buffer, then closed
                stress();
                gc.backward(y);
            }
            float[] g = x.getGradient().toFloatArray();
            System.out.println(
                    "DJL mul(Number) gradient under the stress: "
                            + Arrays.toString(g)
                            + " (right: [3.0, 3.0, 3.0])");
            // the forward value is right either way: only autograd's saved copy is affected
            assertArrayEquals(new float[] {1.5f, 6f, 9f}, x.mul(3f).toFloatArray(), 0f);
        }
    }
}
