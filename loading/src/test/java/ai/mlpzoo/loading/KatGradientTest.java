package ai.mlpzoo.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.io.SafeTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training parity of KAT (Yang and Wang 2024, "Kolmogorov-Arnold Transformer"): the gradient of
 * every parameter of the imported {@code vision2/kat_tiny} fixture under a cross-entropy loss
 * equals PyTorch autograd's (made by tools/fixtures/make_kat_grads.py from a port checked against
 * the fixture's output), so the patch embedding, the class token and position embedding, the
 * multi-head self-attention, the LayerNorms, the group rationals and the head differentiate as the
 * reference does. A second case scales the input and the norm2 affine parameters by 100 so that the
 * rationals see |x| in the hundreds and thousands (Horner's rule far from the origin).
 */
class KatGradientTest {

    @TempDir Path tmp;

    @Test
    void everyGradientEqualsPyTorchAutograd() throws Exception {
        check("", 1f, 1f);
    }

    @Test
    void everyGradientEqualsPyTorchAutogradWithLargeRationalInputs() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList want = SafeTensors.read(m, grads());
            check(
                    "large.",
                    Fixtures.get(want, "large.input_scale").getFloat(0),
                    Fixtures.get(want, "large.norm2_scale").getFloat(0));
        }
    }

    private static Path grads() {
        return Fixtures.reference().resolve("training").resolve("kat_tiny.grads.safetensors");
    }

    /**
     * Imports the fixture, scales the input by {@code inputScale} and every norm2 weight and bias
     * by {@code norm2Scale}, takes the mean cross-entropy's gradient and compares every parameter's
     * with the reference's {@code <prefix><timm name>.grad}.
     */
    private void check(String prefix, float inputScale, float norm2Scale) throws Exception {
        Path fixture = Fixtures.reference().resolve("vision2").resolve("kat_tiny");
        Path dir = tmp.resolve("kat");
        Importers.get("timm").importCheckpoint(fixture, dir);
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(dir)
                        .optEngine("PyTorch")
                        .build();
        try (NDManager m = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel()) {
            NDList io =
                    SafeTensors.read(
                            m,
                            Fixtures.reference()
                                    .resolve("vision2")
                                    .resolve("kat_tiny.io.safetensors"));
            NDList want = SafeTensors.read(m, grads());
            Block block = model.getBlock();
            Map<String, Parameter> params = NamedParameters.of(block);
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                if (e.getKey().contains(".norm2.")) {
                    e.getValue().getArray().muli(norm2Scale);
                }
            }
            NDArray labels = Fixtures.get(want, "labels").toType(DataType.INT64, false); // (2)
            NDArray input = Fixtures.get(io, "input").mul(inputScale); // (2, 3, 32, 32)
            float loss = CrossEntropyGradients.backward(block, params, input, labels, m);
            assertEquals(Fixtures.get(want, prefix + "loss").getFloat(0), loss, 1e-5f, "loss");
            Map<String, NDArray> ours = timmGradients(params);
            List<String> failures = new ArrayList<>();
            int compared = 0;
            float worst = 0f;
            for (NDArray ref : want) {
                String key = ref.getName();
                if (!key.startsWith(prefix) || !key.endsWith(".grad")) {
                    continue;
                }
                String name = key.substring(prefix.length(), key.length() - ".grad".length());
                if (prefix.isEmpty() && name.startsWith("large.")) {
                    continue;
                }
                NDArray g = ours.get(name);
                assertNotNull(g, "no parameter " + name + " in the imported model");
                float diff = Fixtures.maxAbsDiff(g.reshape(ref.getShape()), ref);
                float scale = Math.max(1f, ref.abs().max().getFloat());
                worst = Math.max(worst, diff / scale);
                if (!(diff < 1e-5f * scale)) {
                    failures.add(
                            name + " gradient differs by " + diff + " (largest " + scale + ")");
                }
                compared++;
            }
            System.out.printf(
                    "kat_tiny gradients '%s': loss %.6f, %d compared, worst relative diff %.3g%n",
                    prefix, loss, compared, worst);
            assertTrue(failures.isEmpty(), String.join("; ", failures));
            assertEquals(40, compared, "every parameter of the fixture has a gradient");
        }
    }

    /**
     * Our gradients under timm's names: the attention's query, key and value projections are
     * stacked back into the fused {@code qkv} (rows [q | k | v], as KatTimm split it) and {@code
     * output} is timm's {@code proj}.
     */
    private static Map<String, NDArray> timmGradients(Map<String, Parameter> params) {
        Map<String, NDArray> out = new HashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String name = e.getKey();
            NDArray g = e.getValue().getArray().getGradient();
            if (name.matches("blocks\\.\\d+\\.attn\\.query\\.(weight|bias)")) {
                NDArray k = params.get(name.replace(".query.", ".key.")).getArray().getGradient();
                NDArray v = params.get(name.replace(".query.", ".value.")).getArray().getGradient();
                out.put(name.replace(".query.", ".qkv."), NDArrays.concat(new NDList(g, k, v)));
            } else if (name.matches("blocks\\.\\d+\\.attn\\.output\\.(weight|bias)")) {
                out.put(name.replace(".output.", ".proj."), g);
            } else if (!name.matches("blocks\\.\\d+\\.attn\\.(key|value)\\.(weight|bias)")) {
                out.put(name, g);
            }
        }
        return out;
    }
}
