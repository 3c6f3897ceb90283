package ai.mlpzoo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.MixerConfig;
import ai.mlpzoo.zoo.ModelDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A model directory saved and loaded back through Criteria computes exactly what it did before. */
class ModelDirRoundTripTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"mixer_fmnist", "resmlp_fmnist", "gmlp_fmnist"})
    void savedModelLoadsThroughCriteriaWithIdenticalOutputs(String variant) throws Exception {
        MixerConfig config = Configs.mixerVariant(variant);
        Path dir = tmp.resolve(variant);
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            MlpMixer block = config.toBlock();
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            // the zero-initialised head would hide a wrong load: give it values
            block.getParameters()
                    .forEach(
                            p -> {
                                if (p.getKey().contains("head")) {
                                    p.getValue()
                                            .getArray()
                                            .set(
                                                    m.randomNormal(p.getValue().getShape())
                                                            .toFloatArray());
                                }
                            });
            NDArray x = m.randomNormal(new Shape(3, 1, 28, 28));
            NDList before = block.forward(new ParameterStore(m, false), new NDList(x), false);
            ModelDirs.save(dir, config, block, null, null);

            Criteria<NDList, NDList> criteria =
                    Criteria.builder()
                            .setTypes(NDList.class, NDList.class)
                            .optModelPath(dir)
                            .build();
            try (ZooModel<NDList, NDList> model = criteria.loadModel();
                    Predictor<NDList, NDList> predictor = model.newPredictor()) {
                NDList after = predictor.predict(new NDList(x));
                for (int i = 0; i < 2; i++) {
                    assertEquals(before.get(i).getShape(), after.get(i).getShape());
                    assertTrue(
                            before.get(i).contentEquals(after.get(i)),
                            "output " + i + " identical");
                }
                assertTrue(before.get(0).abs().sum().getFloat() > 0, "a non-trivial output");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {100, -50})
    void corruptOrTruncatedParamsFileIsRefusedClearly(int where) throws Exception {
        MixerConfig config = Configs.mixerVariant("mixer_fmnist");
        Path dir = tmp.resolve("corrupt");
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer block = config.toBlock();
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            ModelDirs.save(dir, config, block, null, null);
        }
        Path params = dir.resolve(ModelDirs.PARAMS);
        byte[] bytes = Files.readAllBytes(params);
        if (where > 0) {
            bytes[where] ^= 0x5a; // flip bits in the header
        } else {
            bytes = java.util.Arrays.copyOf(bytes, bytes.length + where); // truncate
        }
        Files.write(params, bytes);
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(dir).build();
        Exception e = assertThrows(Exception.class, criteria::loadModel);
        String msg = rootMessage(e);
        assertTrue(msg.contains("is corrupt"), msg);
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
