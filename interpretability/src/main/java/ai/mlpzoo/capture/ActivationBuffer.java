package ai.mlpzoo.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.common.Checks;
import java.util.Random;

/**
 * A fixed-size pool of activation rows on the Java heap, mixed across many forward passes so that a
 * training batch is not made of the tokens of a few images (SAELens and sparsify shuffle such a
 * buffer for the same reason). Rows are appended until the pool is full; after that each new row
 * replaces a random one. Holds (x) rows of width dIn, or (x, y) pairs for a transcoder.
 */
public final class ActivationBuffer {

    private final int capacity;
    private final int dIn;
    private final int dOut;
    private final float[] xs;
    private final float[] ys;
    private final Random random;
    private int size;

    /**
     * Creates the buffer.
     *
     * @param capacity the number of rows held
     * @param dIn the width of x
     * @param dOut the width of y, or 0 to hold x only
     * @param seed the seed of the mixing and sampling
     */
    public ActivationBuffer(int capacity, int dIn, int dOut, long seed) {
        this.capacity = Checks.positive(capacity, "capacity");
        this.dIn = Checks.positive(dIn, "d_in");
        if (dOut < 0) {
            throw new IllegalArgumentException("d_out must be >= 0, got " + dOut);
        }
        this.dOut = dOut;
        this.xs = new float[floats(capacity, dIn, "d_in")];
        this.ys = dOut == 0 ? null : new float[floats(capacity, dOut, "d_out")];
        this.random = new Random(seed);
    }

    /** capacity x width floats, refused with the sizes when one Java array cannot hold them. */
    private static int floats(int capacity, int width, String field) {
        long n = (long) capacity * width;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "capacity ("
                            + capacity
                            + ") x "
                            + field
                            + " ("
                            + width
                            + ") = "
                            + n
                            + " floats, more than one Java array holds (2^31 - 9): lower the"
                            + " capacity");
        }
        return (int) n;
    }

    /**
     * @return the rows held
     */
    public int size() {
        return size;
    }

    /**
     * @return the capacity in rows
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Adds activations, flattening every leading axis into rows.
     *
     * @param x (..., d_in)
     * @param y (..., d_out) with the same leading axes, or null when the buffer holds x only
     */
    public void add(NDArray x, NDArray y) {
        if ((y == null) != (ys == null)) {
            throw new IllegalArgumentException(
                    ys == null ? "this buffer holds x only" : "this buffer needs y too");
        }
        float[] a = rows(x, dIn, "x");
        float[] b = y == null ? null : rows(y, dOut, "y");
        int n = a.length / dIn;
        if (b != null && b.length / dOut != n) {
            throw new IllegalArgumentException("x has " + n + " rows but y has " + b.length / dOut);
        }
        for (int r = 0; r < n; r++) {
            int slot = size < capacity ? size++ : random.nextInt(capacity);
            System.arraycopy(a, r * dIn, xs, slot * dIn, dIn);
            if (b != null) {
                System.arraycopy(b, r * dOut, ys, slot * dOut, dOut);
            }
        }
    }

    private static float[] rows(NDArray a, int width, String what) {
        Shape s = a.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != width) {
            throw new IllegalArgumentException(
                    what + " must have width " + width + " on its last axis, got " + s);
        }
        Checks.requireFinite(a, "captured activations " + what);
        return a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }

    /**
     * Draws a batch of random rows (with replacement).
     *
     * @param manager the owner of the batch
     * @param batch the number of rows
     * @return (x) (batch, d_in), or (x, y) with y (batch, d_out)
     */
    public NDList sample(NDManager manager, int batch) {
        if (size == 0) {
            throw new IllegalStateException("the activation buffer is empty");
        }
        float[] bx = new float[batch * dIn];
        float[] by = ys == null ? null : new float[batch * dOut];
        for (int r = 0; r < batch; r++) {
            int slot = random.nextInt(size);
            System.arraycopy(xs, slot * dIn, bx, r * dIn, dIn);
            if (by != null) {
                System.arraycopy(ys, slot * dOut, by, r * dOut, dOut);
            }
        }
        NDList out = new NDList(manager.create(bx, new Shape(batch, dIn)));
        if (by != null) {
            out.add(manager.create(by, new Shape(batch, dOut)));
        }
        return out;
    }
}
