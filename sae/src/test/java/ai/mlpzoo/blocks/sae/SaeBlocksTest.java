package ai.mlpzoo.blocks.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaeBlocksTest {

    @Test
    void topKSparseDecodingEqualsDenseDecoding() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            TopKSae sae = new TopKSae(SaeDims.autoencoder(12, 40), 5);
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            sae.getBDec().getArray().set(m.randomNormal(new Shape(12)).toFloatArray());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(9, 12));
            Latents z = sae.encode(ps, x, false);
            assertTrue(z.isSparse());
            assertEquals(new Shape(9, 5), z.topIndices().getShape());
            NDArray sparse = sae.decodeSparse(ps, z.topValues(), z.topIndices(), false);
            NDArray dense = sae.decode(ps, z.dense(), false);
            assertTrue(sparse.sub(dense).abs().max().getFloat() < 1e-5f);
            // at most k nonzeros per row
            float[] nnz =
                    z.dense()
                            .gt(0f)
                            .sum(new int[] {1})
                            .toType(DataType.FLOAT32, false)
                            .toFloatArray();
            for (float n : nnz) {
                assertTrue(n <= 5, "row has " + n + " active latents");
            }
        }
    }

    @Test
    void kLargerThanDictionaryIsRejected() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new TopKSae(SaeDims.autoencoder(8, 16), 17));
        assertEquals("k (17) is larger than the dictionary size d_sae (16)", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new BatchTopKSae(SaeDims.autoencoder(8, 16), 0));
    }

    @Test
    void transcoderNeverSubtractsBDec() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> new SaeDims(8, 16, 6, true, false));
        assertTrue(
                e.getMessage().contains("apply_b_dec_to_input needs d_out == d_in"),
                e.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            Transcoder t = new Transcoder(8, 16, 6, true);
            t.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            assertEquals(
                    List.of("W_enc", "b_enc", "W_dec", "b_dec", "W_skip"),
                    List.copyOf(NamedParameters.of(t).keySet()));
            t.getBDec().getArray().set(new float[] {1, 2, 3, 4, 5, 6});
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(3, 8));
            // b_dec has d_out entries: subtracting it from x would not even broadcast
            NDArray pre = t.hiddenPre(ps, x, false);
            NDArray expected = x.matMul(t.getWEnc().getArray()).add(t.getBEnc().getArray());
            assertTrue(pre.sub(expected).abs().max().getFloat() < 1e-6f);
            NDList out = t.forward(ps, new NDList(x.reshape(3, 1, 8)), false);
            assertEquals(new Shape(3, 1, 16), out.get(0).getShape());
            assertEquals(new Shape(3, 1, 6), out.get(1).getShape());
        }
    }

    @Test
    void jumpReluStraightThroughGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            float eps = 0.5f;
            NDArray pre = m.create(new float[] {0.1f, 0.9f, 1.2f, 2.0f}, new Shape(1, 4));
            NDArray theta = m.create(new float[] {0.2f, 1.0f, 1.0f, 1.0f});
            pre.setRequiresGradient(true);
            theta.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = JumpReLU.jumpRelu(pre, theta, eps);
                assertArrayEquals(new float[] {0f, 0f, 1.2f, 2.0f}, y.toFloatArray(), 1e-6f);
                gc.backward(y.sum());
            }
            // d/dpre = H(pre - theta); d/dtheta = -(theta/eps) K((pre - theta)/eps), K = 1 on
            // (-1/2, 1/2)
            assertArrayEquals(
                    new float[] {0f, 0f, 1f, 1f}, pre.getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(
                    new float[] {-0.4f, -2f, -2f, 0f}, theta.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void stepStraightThroughGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pre = m.create(new float[] {0.1f, 0.9f, 3f}, new Shape(1, 3));
            NDArray theta = m.create(new float[] {0.2f, 1.0f, 1.0f});
            theta.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = JumpReLU.step(pre, theta, 0.5f);
                assertArrayEquals(new float[] {0f, 0f, 1f}, h.toFloatArray(), 0f);
                gc.backward(h.sum());
            }
            assertArrayEquals(
                    new float[] {-2f, -2f, 0f}, theta.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void batchTopKKeepsKTimesBatchAndLearnsThreshold() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            BatchTopKSae sae = new BatchTopKSae(SaeDims.autoencoder(10, 32), 4);
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 10));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(16, 10));
            Latents z = sae.encode(ps, x, true);
            float active = z.dense().gt(0f).sum().toType(DataType.FLOAT32, false).getFloat();
            assertEquals(4 * 16, active, 0f);
            float t = sae.getThreshold().getArray().getFloat(0);
            assertTrue(t > 0f, "threshold moved from 0 to " + t);
            // inference: JumpReLU with the learned threshold
            Latents inf = sae.encode(ps, x, false);
            NDArray pre = inf.hiddenPre();
            NDArray expected = pre.mul(pre.gt(t).toType(DataType.FLOAT32, false));
            assertTrue(inf.dense().sub(expected).abs().max().getFloat() < 1e-6f);
        }
    }

    @Test
    void gatedSaeUsesGateForSupportAndMagnitudeForSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            GatedSae sae = new GatedSae(SaeDims.autoencoder(6, 12));
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 6));
            assertEquals(
                    List.of("W_enc", "W_dec", "b_dec", "b_gate", "r_mag", "b_mag"),
                    List.copyOf(NamedParameters.of(sae).keySet()));
            sae.getBDec().getArray().set(m.randomNormal(new Shape(6)).toFloatArray());
            NDArray rMag = NamedParameters.of(sae).get("r_mag").getArray();
            rMag.set(m.randomNormal(new Shape(12)).mul(0.3f).toFloatArray());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(5, 6));
            NDArray in = x.sub(sae.getBDec().getArray());
            NDArray gate =
                    in.matMul(sae.getWEnc().getArray()).gt(0f).toType(DataType.FLOAT32, false);
            NDArray mag = in.matMul(sae.getWEnc().getArray().mul(rMag.exp())).maximum(0f);
            NDArray acts = sae.forward(ps, new NDList(x), false).get(0);
            assertTrue(acts.sub(gate.mul(mag)).abs().max().getFloat() < 1e-6f);
        }
    }
}
