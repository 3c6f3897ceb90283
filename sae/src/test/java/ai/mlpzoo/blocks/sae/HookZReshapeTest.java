package ai.mlpzoo.blocks.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attention-output SAEs (SAELens' {@code reshape_activations: hook_z}) for every registered
 * architecture: the input (..., n_heads, d_head) is flattened head-major, the latents keep (...,
 * d_sae) and the output is (..., n_heads, d_head) again, each equal to the flat SAE's.
 */
class HookZReshapeTest {

    static Stream<String> architectures() {
        return SaeArchitectures.names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void hookZIsTheFlatSaeReshaped(String name) {
        SaeArchitecture a = SaeArchitectures.get(name);
        // d_in 16 = 2 heads x 8; a transcoder's d_out 24 = 3 x 8
        SaeSpec spec = new SaeSpec(16, 32, a.isTranscoder() ? 24 : null, 4, true, false);
        try (NDManager m = NDManager.newBaseManager()) {
            SparseCoder block = a.build(spec);
            block.initialize(m, DataType.FLOAT32, new Shape(1, 16));
            NDArray x = m.randomNormal(new Shape(2, 3, 2, 8)); // (batch, pos, heads, d_head)
            ParameterStore ps = new ParameterStore(m, false);
            NDList flat = block.forward(ps, new NDList(x.reshape(6, 16)), false);
            block.setReshapeHookZ(true);
            block.checkInput(x);
            NDList z = block.forward(ps, new NDList(x), false);
            assertEquals(new Shape(2, 3, 32), z.get(0).getShape(), name + " feature_acts");
            int heads = a.isTranscoder() ? 3 : 2;
            assertEquals(new Shape(2, 3, heads, 8), z.get(1).getShape(), name + " output");
            assertArrayEquals(flat.get(0).toFloatArray(), z.get(0).toFloatArray(), 0f, name);
            assertArrayEquals(flat.get(1).toFloatArray(), z.get(1).toFloatArray(), 0f, name);
            // an input already flat (head-major), as a float[] request or a training batch, passes
            NDList again = block.forward(ps, new NDList(x.reshape(6, 16)), false);
            assertArrayEquals(flat.get(1).toFloatArray(), again.get(1).toFloatArray(), 0f, name);
            assertEquals(new Shape(6, a.isTranscoder() ? 24 : 16), again.get(1).getShape());
            Shape[] shapes = block.getOutputShapes(new Shape[] {x.getShape()});
            assertEquals(z.get(0).getShape(), shapes[0]);
            assertEquals(z.get(1).getShape(), shapes[1]);
            // a hook_z SAE given the wrong width says which
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> block.checkInput(m.ones(new Shape(2, 3, 4, 8))));
            assertTrue(e.getMessage().contains("d_in = 16"), e.getMessage());
        }
    }
}
