package ai.mlpzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.junit.jupiter.api.Test;

/** L-BFGS on problems with a known answer. */
class LBFGSTest {

    @Test
    void recoversALinearModelExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            NDArray x = manager.randomNormal(new Shape(64, 3));
            NDArray w = manager.create(new float[] {1.5f, -2f, 0.25f}, new Shape(3, 1));
            NDArray y = x.matMul(w).add(0.7f); // (64, 1)
            Linear linear = Linear.builder().setUnits(1).build();
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            LBFGS lbfgs = new LBFGS(linear, 10, 100, 1e-7, 1e-14);
            assertEquals(4, lbfgs.dimension());
            LBFGS.Result r =
                    lbfgs.minimize(
                            manager,
                            new NDList(x, y),
                            ps ->
                                    linear.forward(ps, new NDList(x), true)
                                            .head()
                                            .sub(y)
                                            .square()
                                            .mean());
            assertTrue(r.loss < 1e-9, "a quadratic is solved to the bottom: " + r);
            assertTrue(r.iterations < 30, "superlinear convergence on 4 unknowns: " + r);
            float[] weight = linear.getParameters().get("weight").getArray().toFloatArray();
            assertEquals(1.5f, weight[0], 1e-4);
            assertEquals(-2f, weight[1], 1e-4);
            assertEquals(0.25f, weight[2], 1e-4);
            assertEquals(0.7f, linear.getParameters().get("bias").getArray().getFloat(0), 1e-4);
        }
    }
}
