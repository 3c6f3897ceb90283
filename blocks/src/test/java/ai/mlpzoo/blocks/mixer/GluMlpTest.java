package ai.mlpzoo.blocks.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.kan.BaseActivation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** timm's GluMlp: value half times SiLU of the gate half, its init, and gMixer's use of it. */
class GluMlpTest {

    @Test
    void valueTimesSiluOfGateComputedByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            GluMlp mlp = new GluMlp(4, 3, BaseActivation.SILU, 0f);
            mlp.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            Map<String, ai.djl.nn.Parameter> p = NamedParameters.of(mlp);
            // fc1: rows 0-1 the value, rows 2-3 the gate
            float[] w1 = {1, 0, 0, 1, 1, 1, -1, 2};
            float[] b1 = {0.5f, 0, -1, 0.25f};
            float[] w2 = {1, 2, -1, 0, 3, 1};
            float[] b2 = {0, 1, -2};
            m.create(w1, new Shape(4, 2)).copyTo(p.get("fc1.weight").getArray());
            m.create(b1).copyTo(p.get("fc1.bias").getArray());
            m.create(w2, new Shape(3, 2)).copyTo(p.get("fc2.weight").getArray());
            m.create(b2).copyTo(p.get("fc2.bias").getArray());
            float x0 = 0.7f;
            float x1 = -1.3f;
            NDArray y =
                    mlp.forward(
                                    new ParameterStore(m, false),
                                    new NDList(m.create(new float[] {x0, x1}, new Shape(1, 2))),
                                    false)
                            .head();
            double v0 = x0 + 0.5;
            double v1 = x1;
            double g0 = x0 + x1 - 1;
            double g1 = -x0 + 2 * x1 + 0.25;
            double h0 = v0 * silu(g0);
            double h1 = v1 * silu(g1);
            double[] expected = {h0 + 2 * h1, -h0 + 1, 3 * h0 + h1 - 2};
            float[] got = y.toFloatArray();
            assertEquals(new Shape(1, 3), y.getShape());
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], got[i], 1e-5, "output " + i);
            }
        }
    }

    private static double silu(double v) {
        return v / (1 + Math.exp(-v));
    }

    @Test
    void gateHalfStartsOpenAsTimm() {
        try (NDManager m = NDManager.newBaseManager()) {
            GluMlp mlp = new GluMlp(64, 8, BaseActivation.SILU, 0f);
            mlp.initialize(m, DataType.FLOAT32, new Shape(1, 16));
            Map<String, ai.djl.nn.Parameter> p = NamedParameters.of(mlp);
            float[] bias = p.get("fc1.bias").getArray().toFloatArray();
            float[] weight = p.get("fc1.weight").getArray().toFloatArray();
            for (int i = 0; i < 64; i++) {
                if (i < 32) {
                    assertTrue(Math.abs(bias[i]) < 1e-4, "value bias ~N(0, 1e-6): " + bias[i]);
                } else {
                    assertEquals(1f, bias[i], "gate bias " + i);
                }
            }
            double valueMax = 0;
            double gateMax = 0;
            for (int i = 0; i < weight.length; i++) {
                if (i < 32 * 16) {
                    valueMax = Math.max(valueMax, Math.abs(weight[i]));
                } else {
                    gateMax = Math.max(gateMax, Math.abs(weight[i]));
                }
            }
            // Xavier-uniform bound sqrt(6 / (16 + 64)) = 0.27 for the value half
            assertTrue(valueMax > 0.1 && valueMax <= 0.274, "value weights " + valueMax);
            assertTrue(gateMax < 1e-4, "gate weights ~N(0, 1e-6): " + gateMax);
        }
    }

    @Test
    void oddWidthIsRefusedNamingTheRatio() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new GluMlp(7, 3, BaseActivation.SILU, 0f));
        assertTrue(e.getMessage().contains("'mlp_ratio'"), e.getMessage());
        assertTrue(e.getMessage().contains("must be even"), e.getMessage());
    }

    @Test
    void gmixerUsesGluForTokensAndChannels() {
        MlpMixer model =
                MlpMixer.builder()
                        .setImageSize(16)
                        .setPatchSize(4)
                        .setEmbedDim(8)
                        .setNumBlocks(1)
                        .setFamily(MixerFamily.GMIXER)
                        .optNumClasses(5)
                        .build();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, new Shape(2, 3, 16, 16));
            Map<String, ai.djl.nn.Parameter> p = NamedParameters.of(model);
            // 16 tokens, D = 8: token fc1 (D, N), fc2 (N, D / 2); channel fc1 (4D, D), fc2 (D, 2D)
            assertEquals(new Shape(8, 16), p.get("blocks.0.mlp_tokens.fc1.weight").getShape());
            assertEquals(new Shape(16, 4), p.get("blocks.0.mlp_tokens.fc2.weight").getShape());
            assertEquals(new Shape(32, 8), p.get("blocks.0.mlp_channels.fc1.weight").getShape());
            assertEquals(new Shape(8, 16), p.get("blocks.0.mlp_channels.fc2.weight").getShape());
            NDList out =
                    model.forward(
                            new ParameterStore(m, false),
                            new NDList(m.randomNormal(new Shape(2, 3, 16, 16))),
                            false);
            assertEquals(new Shape(2, 5), out.get(0).getShape());
            assertEquals(new Shape(2, 8), out.get(1).getShape());
        }
        // a KAN-Mixer made from MIXER keeps plain token MLPs; gMixer's replacement keeps GLU
        assertEquals(MlpLayer.MLP, MixerFamily.MIXER.withMlpLayer(MlpLayer.GLU).tokenMlpLayer());
        assertEquals(
                MlpLayer.GLU, MixerFamily.GMIXER.withActLayer(BaseActivation.GELU).tokenMlpLayer());
    }
}
