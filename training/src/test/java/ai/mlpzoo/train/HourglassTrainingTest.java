package ai.mlpzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.hourglass.HourglassMlp;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.HourglassConfig;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.zoo.ModelDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hourglass MLP through the project's own trainer (AdamW with weight decay, checkpoints, model
 * directory): the fixed W_in ends the run exactly as its seed drew it and has no optimiser state,
 * while the blocks learn; the saved model directory, loaded into a model built with another
 * projection seed, gives the accuracy the trainer measured.
 */
class HourglassTrainingTest {

    @TempDir Path tmp;

    private static HourglassConfig config(long seed) {
        String json =
                "{\"model_type\": \"hourglass\", \"name\": \"hg_tiny\", \"d_x\": 784, \"d_z\": 256,"
                        + " \"d_h\": 32, \"L\": 2, \"d_y\": 10, \"projection_seed\": "
                        + seed
                        + "}";
        return (HourglassConfig) Configs.read(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    @Test
    void adamWLeavesTheFixedProjectionAloneAndTheModelDirectoryReloadsIt() throws Exception {
        assumeTrue(FashionMnist.isInstalled(), FashionMnist.notInstalledMessage());
        FashionMnist train =
                FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TRAIN, 0);
        FashionMnist test =
                FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 1000);
        TrainOptions o = new TrainOptions();
        o.epochs = 1;
        o.batch = 64;
        o.trainLimit = 2048;
        o.augmentShift = 0;
        o.augmentFlip = false;
        Path run = tmp.resolve("run");
        ImageClassifierTrainer.Result result =
                new ImageClassifierTrainer().train(config(0), o, train, test, run);
        double measured = result.state.history.get(0).testAcc;
        assertTrue(measured > 0.5, "one short epoch learns something: " + measured);

        try (NDManager m = NDManager.newBaseManager()) {
            // the seed's matrix, drawn afresh
            HourglassMlp fresh = config(0).toBlock();
            fresh.initialize(m, DataType.FLOAT32, config(0).inputShape());
            float[] drawn = fresh.inputProjection().weight().getArray().toFloatArray();

            // the optimiser kept no moments for W_in: it never updated it
            NDList state =
                    SafeTensors.read(
                            m,
                            ImageClassifierTrainer.latestCheckpoint(run)
                                    .resolve(ImageClassifierTrainer.OPTIMIZER));
            assertTrue(state.stream().anyMatch(a -> a.getName().startsWith("blocks.0.fc1")));
            assertFalse(
                    state.stream().anyMatch(a -> a.getName().startsWith("input_projection")),
                    "no AdamW state for the fixed projection");

            // a model built with another seed, loaded from the directory, has the trained weights
            HourglassConfig other = config(12345);
            try (Model model = Model.newInstance(ModelDirs.MODEL_NAME)) {
                HourglassMlp block = other.toBlock();
                model.setBlock(block);
                Checkpoints.loadWeights(model, result.modelDir);
                float[] loaded = block.inputProjection().weight().getArray().toFloatArray();
                assertArrayEquals(
                        drawn, loaded, 0f, "W_in after training is the seed's, bit for bit");
                NDArray fc1 = NamedParameters.of(block).get("blocks.0.fc1.weight").getArray();
                NDArray init = NamedParameters.of(fresh).get("blocks.0.fc1.weight").getArray();
                assertFalse(
                        java.util.Arrays.equals(fc1.toFloatArray(), init.toFloatArray()),
                        "the blocks trained");
                double[] eval =
                        ImageClassifierTrainer.evaluate(
                                block,
                                model.getNDManager(),
                                test,
                                other.inputShape(),
                                new LogitsLoss(0.1f));
                assertEquals(measured, eval[1], 0.0, "the reloaded model's accuracy");
            }
        }
    }
}
