package ai.mlpzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.mlpzoo.config.Configs;
import ai.mlpzoo.data.timeseries.ForecastData;
import ai.mlpzoo.data.timeseries.ForecastDatasets;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forecast trainer on a synthetic series: it learns, stops early, checkpoints and resumes. */
class ForecastTrainerTest {

    static {
        LinearForecastConfig.register();
    }

    @TempDir Path tmp;

    /**
     * Two hourly channels: a daily sine plus noise, and a slower cosine with an offset.
     *
     * @param dir where to write
     * @param rows how many rows
     * @return the CSV
     */
    static Path sineCsv(Path dir, int rows) throws IOException {
        StringBuilder sb = new StringBuilder("date,load,temp\n");
        Random r = new Random(7);
        LocalDateTime t = LocalDateTime.of(2020, 3, 1, 0, 0);
        for (int i = 0; i < rows; i++) {
            double a = 10 + 3 * Math.sin(2 * Math.PI * i / 24) + 0.3 * r.nextGaussian();
            double b = 20 + 5 * Math.cos(2 * Math.PI * i / 60) + 0.3 * r.nextGaussian();
            sb.append(t.plusHours(i).toString().replace('T', ' '))
                    .append(":00,")
                    .append(String.format(Locale.ROOT, "%.4f,%.4f", a, b))
                    .append('\n');
        }
        Path f = dir.resolve("sine.csv");
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void trainingLowersValidationLossAndWritesTheModel() throws Exception {
        Path csv = sineCsv(tmp, 1200);
        ForecastData data = ForecastDatasets.open(csv.toString(), null, 48, 12, null);
        LinearForecastConfig config = LinearForecastConfig.of(48, 12, 2, 4);
        ForecastOptions o = new ForecastOptions();
        o.epochs = 4;
        o.batch = 32;
        o.lr = 0.01;
        Path run = tmp.resolve("run");
        ForecastTrainer.Result result = new ForecastTrainer().train(config, o, data, null, run);
        ForecastState s = result.state;
        assertEquals(4, s.epoch);
        assertEquals(4 * ((840 - 48 - 12 + 1) / 32), s.step);
        double first = s.history.get(0).valLoss;
        double last = s.history.get(s.history.size() - 1).valLoss;
        // a linear map of 48 steps predicts a noisy daily sine far better than its mean (z-scored
        // variance 1); the first epoch starts from a random map
        assertTrue(s.bestValLoss < 0.2, "best validation MSE " + s.bestValLoss);
        assertTrue(last < first, "validation loss " + first + " -> " + last);
        assertTrue(result.test.mse() < 0.3, "test MSE " + result.test);
        assertEquals(240 - 12 + 1, result.test.windows());
        assertEquals(128, result.test.dropLastWindows());
        // the model directory: weights, architecture and the metadata a forecast needs
        JsonNode meta =
                Configs.MAPPER.readTree(result.modelDir.resolve(ModelDirs.METADATA).toFile());
        assertEquals(csv.toString(), meta.get("dataset").asText());
        assertEquals("load", meta.get("columns").get(0).asText());
        assertEquals(data.mean()[1], meta.get("mean").get(1).asDouble(), 0);
        assertEquals(data.std()[0], meta.get("std").get(0).asDouble(), 0);
        assertEquals(3600, meta.get("step_seconds").asLong());
        assertEquals(result.test.mse(), meta.get("test_mse").asDouble(), 0);
        assertEquals(s.bestEpoch, meta.get("best_epoch").asInt());
        assertTrue(Files.isRegularFile(run.resolve("metrics.csv")));
        assertTrue(Files.size(run.resolve("curves.png")) > 1000);
        assertEquals(
                LinearForecastConfig.MODEL_TYPE,
                ModelDirs.readArchitecture(result.modelDir).modelType());
        // the model directory's weights are the best epoch's: evaluating them again gives the same
        try (ai.djl.Model m = ai.djl.Model.newInstance(ModelDirs.MODEL_NAME);
                ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            m.setBlock(config.toBlock());
            Checkpoints.loadWeights(m, result.modelDir);
            ForecastMetrics again =
                    ForecastTrainer.evaluate(
                            m.getBlock(), manager, data, ForecastData.Split.VAL, 4);
            assertEquals(s.bestValLoss, again.mse(), 1e-6);
        }
    }

    @Test
    void resumeContinuesFromTheCheckpoint() throws Exception {
        Path csv = sineCsv(tmp, 600);
        ForecastData data = ForecastDatasets.open(csv.toString(), null, 24, 6, null);
        LinearForecastConfig config = LinearForecastConfig.of(24, 6, 2, 0);
        ForecastOptions o = new ForecastOptions();
        o.epochs = 2;
        o.batch = 16;
        Path run = tmp.resolve("run");
        ForecastTrainer.Result two = new ForecastTrainer().train(config, o, data, null, run);
        assertEquals(2, two.state.epoch);
        assertTrue(Files.isDirectory(run.resolve("checkpoint-0002")));
        ForecastTrainer.Result four = new ForecastTrainer().resume(run, 4, (Path) null);
        assertEquals(4, four.state.epoch);
        assertEquals(2 * two.state.step, four.state.step);
        assertEquals(4, four.state.history.size());
        // the first two epochs are the checkpoint's, unchanged
        assertEquals(two.state.history.get(1).valLoss, four.state.history.get(1).valLoss, 0);
        assertTrue(four.state.bestValLoss <= two.state.bestValLoss);
        assertFalse(Files.exists(run.resolve("checkpoint-0002")), "older checkpoints are deleted");
        assertTrue(Files.isDirectory(run.resolve("checkpoint-0004")));
        // the one-cycle schedule of 4 epochs ends near zero
        assertTrue(four.state.history.get(3).lr < 1e-5, "lr " + four.state.history.get(3).lr);
    }

    @Test
    void earlyStoppingAfterPatienceKeepsTheBestEpoch() throws Exception {
        Path csv = sineCsv(tmp, 600);
        ForecastData data = ForecastDatasets.open(csv.toString(), null, 24, 6, null);
        ForecastOptions o = new ForecastOptions();
        o.epochs = 30;
        o.batch = 16;
        o.lr = 0.5; // far too high, constant: the loss bounces and stops improving
        o.lradj = "constant";
        o.patience = 2;
        ForecastTrainer.Result r =
                new ForecastTrainer()
                        .train(
                                LinearForecastConfig.of(24, 6, 2, 0),
                                o,
                                data,
                                null,
                                tmp.resolve("r"));
        assertTrue(r.state.epoch < 30, "stopped at epoch " + r.state.epoch);
        assertEquals(2, r.state.badEpochs);
        assertEquals(r.state.epoch - 2, r.state.bestEpoch);
        double min = r.state.history.stream().mapToDouble(e -> e.valLoss).min().orElseThrow();
        assertEquals(min, r.state.bestValLoss, 0);
    }

    @Test
    void aModelOfOtherChannelsIsRefused() throws Exception {
        Path csv = sineCsv(tmp, 600);
        ForecastData data = ForecastDatasets.open(csv.toString(), null, 24, 6, null);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new ForecastTrainer()
                                        .train(
                                                LinearForecastConfig.of(24, 6, 7, 0),
                                                new ForecastOptions(),
                                                data,
                                                null,
                                                tmp.resolve("r")));
        assertTrue(
                e.getMessage()
                        .contains(
                                "takes 7 input channels but "
                                        + csv
                                        + " has 2 value"
                                        + " columns (load, temp)"),
                e.getMessage());
    }
}
