package ai.mlpzoo.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** {@code gemm}: one n x n float32 matmul (n = 1024), the machine's practical peak; 2 n^3 FLOPs. */
final class GemmCase extends BenchCase {

    private final int n;
    private NDManager manager;
    private NDArray a;
    private NDArray b;

    GemmCase(int n) {
        super("gemm", 2.0 * n * n * n, 10, 50);
        this.n = n;
    }

    @Override
    public void setup() {
        manager = NDManager.newBaseManager();
        a = manager.randomNormal(new Shape(n, n));
        b = manager.randomNormal(new Shape(n, n));
    }

    @Override
    public void step() {
        try (NDArray c = a.matMul(b)) {
            // computed on return (eager CPU engine); closed at once
            c.getShape();
        }
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
