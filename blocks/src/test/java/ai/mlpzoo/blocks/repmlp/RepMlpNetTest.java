package ai.mlpzoo.blocks.repmlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepMlpNetTest {

    /** The fixture repmlp_part_tiny's arguments: two stages with 2x2 partitions and C > S. */
    private static RepMlpNet.Builder tiny() {
        return RepMlpNet.builder()
                .setImageSize(32)
                .optNumClass(10)
                .setNumBlocks(1, 1)
                .setChannels(16, 32)
                .setHs(4, 2)
                .setWs(4, 2)
                .setSharesetsNums(4, 8)
                .optReparamConvK(1, 3);
    }

    /** Moves every parameter and running statistic away from its initial value. */
    private static void perturb(RepMlpNet model, NDManager m) {
        for (Parameter p : NamedParameters.of(model).values()) {
            NDArray a = p.getArray();
            NDArray noise = m.randomNormal(0, 0.2f, a.getShape(), DataType.FLOAT32);
            if (p.getName().equals("running_var")) {
                noise = noise.abs().add(0.5f).sub(a); // a positive variance
            }
            a.addi(noise);
        }
    }

    @Test
    void shapesNamesAndApi() {
        RepMlpNet model = tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            Map<String, Parameter> p = NamedParameters.of(model);
            // the reference's keys and shapes
            assertEquals(new Shape(16, 3, 4, 4), p.get("conv_embedding.conv.weight").getShape());
            assertEquals(new Shape(16), p.get("conv_embedding.bn.running_var").getShape());
            String b = "stages.0.0.repmlp_block.";
            assertEquals(new Shape(64, 16, 1, 1), p.get(b + "fc3.weight").getShape());
            assertFalse(p.containsKey(b + "fc3.bias"), "no bias in the training structure");
            assertEquals(new Shape(4), p.get(b + "fc3_bn.weight").getShape());
            assertEquals(new Shape(4, 1, 3, 3), p.get(b + "repconv3.conv.weight").getShape());
            assertEquals(new Shape(4, 1, 1, 1), p.get(b + "repconv1.conv.weight").getShape());
            assertEquals(new Shape(4, 16, 1, 1), p.get(b + "gp.fc1.weight").getShape());
            assertEquals(new Shape(16), p.get(b + "gp.fc2.bias").getShape());
            assertEquals(
                    new Shape(64, 16, 1, 1),
                    p.get("stages.0.0.ffn_block.ffn_fc1.conv.weight").getShape());
            assertEquals(new Shape(16), p.get("stages.0.0.prebn2.running_mean").getShape());
            assertEquals(new Shape(32, 16, 2, 2), p.get("embeds.0.conv.weight").getShape());
            assertEquals(
                    new Shape(32, 4, 1, 1), p.get("stages.1.0.repmlp_block.fc3.weight").getShape());
            assertEquals(new Shape(32), p.get("head_norm.weight").getShape());
            assertEquals(new Shape(10, 32), p.get("head.weight").getShape());

            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            NDList out = model.forward(ps, new NDList(x), false);
            assertEquals(new Shape(2, 10), out.get(0).getShape());
            assertEquals(new Shape(2, 32), out.get(1).getShape());
            assertEquals("output", out.get(0).getName());
            assertEquals("pre_logits", out.get(1).getName());
            assertEquals(new Shape(2, 32, 4, 4), model.forwardFeatures(ps, x, false).getShape());
            NDList inter = model.forwardIntermediates(ps, x, false);
            assertEquals(2, inter.size());
            assertEquals(new Shape(2, 16, 8, 8), inter.get(0).getShape());
            assertEquals("stages.1", inter.get(1).getName());
            assertArrayEquals(
                    out.get(0).toFloatArray(),
                    model.forwardHead(ps, model.forwardPreLogits(ps, x, false), false)
                            .toFloatArray(),
                    1e-6f);
            model.resetClassifier(4, m);
            assertEquals(
                    new Shape(2, 4), model.forward(ps, new NDList(x), false).get(0).getShape());
        }
    }

    /**
     * The block's partition order is the reference's literal reshape: with 2x2 partitions and C =
     * 4S, a unit impulse in channel 0 of partition (0, 0) comes back, through fc3 alone, in another
     * partition or channel, as the reference's {@code reshape(-1, hp, wp, S, h, w)} of rows ordered
     * (batch, i, j, group) puts it: row (n=0, i=0, j=0, g=1) is read as (n'=0, i=0, j=1).
     */
    @Test
    void partitionOrderIsTheReferences() {
        RepMlpBlock block = new RepMlpBlock(8, 2, 2, 4, null, 4, false);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(1, 8, 4, 4);
            block.initialize(m, DataType.FLOAT32, in);
            // fc3 = identity per shareset, BN = identity (its default state), gate: fc2 bias
            // large so that sigmoid = 1
            Parameter fc3 = block.getFc3().getParameters().get("weight");
            float[] eye = new float[16 * 4];
            for (int r = 0; r < 16; r++) {
                eye[r * 4 + r % 4] = 1f;
            }
            m.create(eye, fc3.getShape()).copyTo(fc3.getArray());
            block.getGp().getParameters().forEach(e -> e.getValue().getArray().muli(0));
            Parameter fc2b = block.getGp().getFc2().getParameters().get("bias");
            fc2b.getArray().addi(30f);
            ParameterStore ps = new ParameterStore(m, false);
            // input: channel c, pixel (y, x) holds 100·c + 10·y + x
            float[] v = new float[8 * 16];
            for (int c = 0; c < 8; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        v[c * 16 + y * 4 + x] = 100 * c + 10 * y + x;
                    }
                }
            }
            NDArray out = block.forward(ps, new NDList(m.create(v, in)), false).head().squeeze(0);
            // rows r = ((i·2 + j)·2 + g) hold channels 4g..4g+3 of partition (i, j); the reference
            // reads row r as (n' = r / 4, i' = (r / 2) % 2, j' = r % 2) and writes its S channels
            // to channels 4·n' .. 4·n'+3 of partition (i', j')
            for (int r = 0; r < 8; r++) {
                int i = r / 4;
                int j = (r / 2) % 2;
                int g = r % 2;
                int n2 = r / 4;
                int i2 = (r / 2) % 2;
                int j2 = r % 2;
                for (int s = 0; s < 4; s++) {
                    for (int py = 0; py < 2; py++) {
                        for (int px = 0; px < 2; px++) {
                            float want = 100 * (4 * g + s) + 10 * (2 * i + py) + (2 * j + px);
                            float got = out.getFloat(4L * n2 + s, 2L * i2 + py, 2L * j2 + px);
                            assertEquals(want, got, 0.02f, "row " + r);
                        }
                    }
                }
            }
        }
    }

    @Test
    void deployModelGivesTheSameOutputs() {
        RepMlpNet model = tiny().build();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            perturb(model, m);
            RepMlpNet deployed = model.reparameterize(m);
            assertTrue(deployed.isDeploy());
            Map<String, Parameter> p = NamedParameters.of(deployed);
            assertEquals(new Shape(64), p.get("stages.0.0.repmlp_block.fc3.bias").getShape());
            assertFalse(p.containsKey("stages.0.0.repmlp_block.repconv3.conv.weight"));
            assertFalse(p.containsKey("stages.0.0.repmlp_block.fc3_bn.weight"));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(3, 3, 32, 32));
            NDList a = model.forward(ps, new NDList(x), false);
            NDList b = deployed.forward(ps, new NDList(x), false);
            // relative to the outputs' size: the perturbed statistics make them large
            float scale = a.get(0).abs().max().getFloat();
            float diff = a.get(0).sub(b.get(0)).abs().max().getFloat() / scale;
            float feat =
                    a.get(1).sub(b.get(1)).abs().max().getFloat() / a.get(1).abs().max().getFloat();
            assertTrue(diff < 1e-5f, "deploy output differs by " + diff + " of " + scale);
            assertTrue(feat < 1e-5f, "deploy pre_logits differ by " + feat);
            assertTrue(scale > 1e-2f, "a non-trivial output");
            IllegalStateException twice =
                    assertThrows(IllegalStateException.class, () -> deployed.reparameterize(m));
            assertTrue(twice.getMessage().contains("already"), twice.getMessage());
        }
    }

    @Test
    void trainingLowersTheLoss() {
        RepMlpNet model = tiny().setNumBlocks(1, 1).build();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            NDArray x = m.randomNormal(new Shape(8, 3, 32, 32));
            NDArray y = m.create(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
            ParameterStore ps = new ParameterStore(m, false);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 15; step++) {
                try (ai.djl.training.GradientCollector gc =
                        ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.forward(ps, new NDList(x), true).get(0);
                    NDArray loss =
                            logits.logSoftmax(1).mul(y.oneHot(10)).sum(new int[] {1}).neg().mean();
                    gc.backward(loss);
                    if (step == 0) {
                        first = loss.getFloat();
                    }
                    last = loss.getFloat();
                }
                for (Parameter p : NamedParameters.of(model).values()) {
                    if (p.requiresGradient()) {
                        NDArray a = p.getArray();
                        a.subi(a.getGradient().mul(0.05f));
                        a.getGradient().muli(0);
                    }
                }
            }
            assertTrue(last < first * 0.7f, "loss " + first + " -> " + last);
        }
    }

    @Test
    void impossibleConfigsAreNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> tiny().setHs(3, 2).build());
        assertTrue(
                e.getMessage().contains("'hs'") && e.getMessage().contains("8x8"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> tiny().setSharesetsNums(3, 8).build());
        assertTrue(e.getMessage().contains("'sharesets_nums'[0] = 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().setWs(4).build());
        assertTrue(e.getMessage().contains("'ws' must hold one value per stage"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class, () -> tiny().optReparamConvK(1, 2).build());
        assertTrue(e.getMessage().contains("'reparam_conv_k'"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> tiny().optGlobalperceptronReduce(64).build());
        assertTrue(e.getMessage().contains("'globalperceptron_reduce'"), e.getMessage());
    }
}
