package ai.mlpzoo.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training parity of the MetaFormer blocks: the gradient of every parameter of the imported
 * PoolFormer fixture under a cross-entropy loss equals PyTorch autograd's (made by
 * tools/fixtures/make_poolformer_grads.py from a port checked against the fixture's output), so
 * GroupNorm1, the pooling that does not count padding, the layer scales, the 1x1 convolution MLPs
 * and the head differentiate as the reference does.
 */
class MetaFormerGradientTest {

    @TempDir Path tmp;

    @Test
    void everyGradientEqualsPyTorchAutograd() throws Exception {
        Path fixture = Fixtures.reference().resolve("vision2").resolve("poolformer_tiny");
        TimmImporter.importCheckpoint(fixture, tmp.resolve("pf"));
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(tmp.resolve("pf"))
                        .optEngine("PyTorch")
                        .build();
        try (NDManager m = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel()) {
            NDList io =
                    SafeTensors.read(
                            m,
                            Fixtures.reference()
                                    .resolve("vision2")
                                    .resolve("poolformer_tiny.io.safetensors"));
            NDList want =
                    SafeTensors.read(
                            m,
                            Fixtures.reference()
                                    .resolve("training")
                                    .resolve("poolformer_tiny.grads.safetensors"));
            Block block = model.getBlock();
            Map<String, Parameter> params = NamedParameters.of(block);
            NDArray labels = Fixtures.get(want, "labels").toType(DataType.INT64, false); // (2)
            float loss =
                    CrossEntropyGradients.backward(
                            block, params, Fixtures.get(io, "input"), labels, m);
            assertEquals(Fixtures.get(want, "loss").getFloat(0), loss, 1e-5f, "loss");
            int compared = 0;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray g = e.getValue().getArray().getGradient();
                NDArray ref = Fixtures.get(want, e.getKey() + ".grad");
                float diff = Fixtures.maxAbsDiff(g.reshape(ref.getShape()), ref);
                float scale = Math.max(1f, ref.abs().max().getFloat());
                assertTrue(diff < 1e-5f * scale, e.getKey() + " gradient differs by " + diff);
                compared++;
            }
            assertEquals(62, compared, "every parameter of the fixture has a gradient");
        }
    }
}
