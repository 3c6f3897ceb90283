package ai.mlpzoo.blocks.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training path of the TopK SAE (selection without gradient, values from gathered encoder
 * columns, sparse decoding) gives the same latents, reconstruction and gradients as the dense
 * formulation: pre-activations by a full matmul, top-k with its own backward, a dense latent matrix
 * decoded by a full matmul.
 */
class TopKSparseGradientTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 7})
    void sparseTrainingPathMatchesDenseFormulation(int seed) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            int dIn = 16;
            int dSae = 48;
            int k = 6;
            TopKSae sae = new TopKSae(SaeDims.autoencoder(dIn, dSae), k);
            sae.initialize(m, DataType.FLOAT32, new Shape(1, dIn));
            sae.getBEnc()
                    .getArray()
                    .set(m.randomNormal(0, 0.1f, new Shape(dSae), DataType.FLOAT32).toFloatArray());
            sae.getBDec()
                    .getArray()
                    .set(m.randomNormal(0, 0.1f, new Shape(dIn), DataType.FLOAT32).toFloatArray());
            Map<String, Parameter> params = NamedParameters.of(sae);
            params.values().forEach(p -> p.getArray().setRequiresGradient(true));
            NDArray x = m.randomNormal(new Shape(11, dIn));

            float[] denseOut;
            Map<String, float[]> denseGrads;
            try (NDManager s = m.newSubManager()) {
                ParameterStore ps = new ParameterStore(s, false);
                NDArray xs = x.duplicate();
                xs.attach(s);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray w = ps.getValue(sae.getWEnc(), xs.getDevice(), true);
                    NDArray pre =
                            xs.sub(ps.getValue(sae.getBDec(), xs.getDevice(), true))
                                    .matMul(w)
                                    .add(ps.getValue(sae.getBEnc(), xs.getDevice(), true));
                    NDList top = pre.topK(k, 1, true, false);
                    NDArray z =
                            s.zeros(pre.getShape())
                                    .scatter(top.get(1), Activation.relu(top.get(0)), 1);
                    NDArray y = sae.decode(ps, z, true);
                    denseOut = y.toFloatArray();
                    gc.backward(y.sub(xs).square().sum());
                }
                denseGrads = grads(params, s);
            }

            try (NDManager s = m.newSubManager()) {
                ParameterStore ps = new ParameterStore(s, false);
                NDArray xs = x.duplicate();
                xs.attach(s);
                float[] sparseOut;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Latents z = sae.encode(ps, xs, true);
                    assertTrue(z.isSparse());
                    assertEquals(new Shape(11, k), z.topValues().getShape());
                    NDArray y = sae.reconstruct(ps, xs, z, true);
                    sparseOut = y.toFloatArray();
                    gc.backward(y.sub(xs).square().sum());
                }
                assertEquals(0, maxDiff(denseOut, sparseOut), 1e-5, "reconstruction");
                Map<String, float[]> sparseGrads = grads(params, s);
                for (String name : denseGrads.keySet()) {
                    float[] d = denseGrads.get(name);
                    double scale = 0;
                    for (float v : d) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    assertTrue(scale > 0, name + " has no gradient");
                    assertEquals(
                            0,
                            maxDiff(d, sparseGrads.get(name)) / scale,
                            1e-5,
                            "gradient of " + name);
                }
            }
        }
    }

    /** Copies and zeroes every parameter's gradient. */
    private static Map<String, float[]> grads(Map<String, Parameter> params, NDManager s) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray g = e.getValue().getArray().getGradient();
            g.attach(s);
            out.put(e.getKey(), g.toFloatArray());
            g.subi(g);
        }
        return out;
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
