package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.translate.TimeFeatures;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * train, eval and forecast for a forecaster, end to end through the command line, on a synthetic
 * hourly CSV written here (no ETT needed): a test-only linear forecaster trained for a few epochs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForecastCliTest {

    static {
        LinearForecastConfig.register();
    }

    @TempDir static Path tmp;

    static Path csv;
    static double[][] values; // rows x 2, as written
    static final LocalDateTime T0 = LocalDateTime.of(2020, 3, 1, 0, 0);
    static final int ROWS = 1200;

    @BeforeAll
    static void writeSeries() throws Exception {
        values = new double[ROWS][2];
        StringBuilder sb = new StringBuilder("date,load,temp\n");
        Random r = new Random(11);
        for (int i = 0; i < ROWS; i++) {
            values[i][0] = round(10 + 3 * Math.sin(2 * Math.PI * i / 24) + 0.3 * r.nextGaussian());
            values[i][1] = round(20 + 5 * Math.cos(2 * Math.PI * i / 60) + 0.3 * r.nextGaussian());
            sb.append(T0.plusHours(i).toString().replace('T', ' '))
                    .append(":00,")
                    .append(values[i][0])
                    .append(',')
                    .append(values[i][1])
                    .append('\n');
        }
        csv = tmp.resolve("sine.csv");
        Files.writeString(csv, sb.toString());
        Files.writeString(
                tmp.resolve("linear.json"),
                "{\"model_type\": \"test_linear_forecast\", \"context_length\": 48,"
                        + " \"prediction_length\": 24, \"num_input_channels\": 7,"
                        + " \"time_features\": 4}\n");
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /** Runs the CLI, returning stdout; fails on a non-zero exit. */
    static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = MlpZooCli.run(args);
        } finally {
            System.setOut(saved);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, String.join(" ", args) + ": " + text);
        return text;
    }

    private static Path runDir() {
        return tmp.resolve("run");
    }

    @Test
    @Order(1)
    void trainSetsTheHorizonAndChannelsAndWritesMetadata() throws Exception {
        String out =
                run(
                        "train",
                        tmp.resolve("linear.json").toString(),
                        "--dataset",
                        csv.toString(),
                        "--horizon",
                        "12",
                        "--epochs",
                        "3",
                        "--batch",
                        "32",
                        "--out",
                        runDir().toString());
        assertTrue(out.contains("trained 3 epochs"), out);
        assertTrue(out.contains("best validation MSE"), out);
        Path model = runDir().resolve("model");
        JsonNode arch = Configs.MAPPER.readTree(model.resolve(ModelDirs.ARCHITECTURE).toFile());
        assertEquals(12, arch.get("prediction_length").asInt());
        assertEquals(2, arch.get("num_input_channels").asInt(), "set from the CSV's columns");
        assertEquals(48, arch.get("context_length").asInt());
        JsonNode meta = Configs.MAPPER.readTree(model.resolve(ModelDirs.METADATA).toFile());
        assertEquals(
                List.of("load", "temp"),
                List.of(meta.get("columns").get(0).asText(), meta.get("columns").get(1).asText()));
        // the train split is the first int(1200 * 0.7) = 840 rows; population statistics
        double[] mean = new double[2];
        double[] std = new double[2];
        trainStats(mean, std);
        for (int j = 0; j < 2; j++) {
            assertEquals(mean[j], meta.get("mean").get(j).asDouble(), 1e-9);
            assertEquals(std[j], meta.get("std").get(j).asDouble(), 1e-9);
        }
        assertEquals(3600, meta.get("step_seconds").asInt());
        assertEquals(3, meta.get("epochs").asInt());
        // test: 240 rows of its own, horizon 12: 229 windows, of which 128 in full batches
        assertEquals(229, meta.get("test_windows").asInt());
        assertEquals(128, meta.get("test_windows_drop_last").asInt());
        assertTrue(meta.get("test_mse").asDouble() < 0.3, "learned: " + meta);
        assertTrue(Files.isRegularFile(runDir().resolve("metrics.csv")));
    }

    static void trainStats(double[] mean, double[] std) {
        for (int j = 0; j < 2; j++) {
            double s = 0;
            for (int i = 0; i < 840; i++) {
                s += values[i][j];
            }
            mean[j] = s / 840;
            double q = 0;
            for (int i = 0; i < 840; i++) {
                q += (values[i][j] - mean[j]) * (values[i][j] - mean[j]);
            }
            std[j] = Math.sqrt(q / 840);
        }
    }

    @Test
    @Order(2)
    void evalPrintsEveryWindowAndTheDropLastFigures() throws Exception {
        Path model = runDir().resolve("model");
        String out = run("eval", model.toString(), "--dataset", csv.toString());
        Matcher all =
                Pattern.compile("mse=([0-9.]+) mae=([0-9.]+) \\(.* all 229 windows\\)")
                        .matcher(out);
        assertTrue(all.find(), out);
        Matcher kept =
                Pattern.compile("mse=([0-9.]+) mae=([0-9.]+) \\(the first 128 windows")
                        .matcher(out);
        assertTrue(kept.find(), out);
        JsonNode meta = Configs.MAPPER.readTree(model.resolve(ModelDirs.METADATA).toFile());
        assertEquals(meta.get("test_mse").asDouble(), Double.parseDouble(all.group(1)), 1e-6);
        assertEquals(meta.get("test_mae").asDouble(), Double.parseDouble(all.group(2)), 1e-6);
        assertEquals(
                meta.get("test_mse_drop_last").asDouble(), Double.parseDouble(kept.group(1)), 1e-6);
        // the data set defaults to the one the metadata names
        String again = run("eval", model.toString());
        assertTrue(again.contains("mse=" + all.group(1) + " mae=" + all.group(2)), again);
    }

    @Test
    @Order(3)
    void forecastIsInOriginalUnitsWithContinuedTimestampsAndAPlot() throws Exception {
        Path model = runDir().resolve("model");
        Path out = tmp.resolve("forecast.csv");
        Path png = tmp.resolve("forecast.png");
        run(
                "forecast",
                "--model",
                model.toString(),
                "--input",
                csv.toString(),
                "--at",
                "1000",
                "--output",
                out.toString(),
                "--plot",
                png.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals(13, lines.size());
        assertEquals("date,load,temp", lines.get(0));
        assertTrue(lines.get(1).startsWith("2020-04-11 16:00:00,"), lines.get(1)); // T0 + 1000 h
        assertTrue(lines.get(12).startsWith("2020-04-12 03:00:00,"), lines.get(12));
        // the same forecast computed here: z-score rows 952..999 with the train statistics, the
        // block's forward with their hourly marks, then back to the original units
        double[] mean = new double[2];
        double[] std = new double[2];
        trainStats(mean, std);
        float[] x = new float[48 * 2];
        LocalDateTime[] times = new LocalDateTime[48];
        for (int t = 0; t < 48; t++) {
            times[t] = T0.plusHours(952 + t);
            for (int j = 0; j < 2; j++) {
                x[t * 2 + j] = (float) ((values[952 + t][j] - mean[j]) / std[j]);
            }
        }
        LinearForecastConfig config = LinearForecastConfig.of(48, 12, 2, 4);
        try (Model m = Model.newInstance(ModelDirs.MODEL_NAME);
                NDManager manager = NDManager.newBaseManager()) {
            m.setBlock(config.toBlock());
            m.getBlock()
                    .initialize(
                            manager, DataType.FLOAT32, new Shape(1, 48, 2), new Shape(1, 48, 4));
            m.load(model, ModelDirs.MODEL_NAME);
            float[] z =
                    m.getBlock()
                            .forward(
                                    new ParameterStore(manager, false),
                                    new NDList(
                                            manager.create(x, new Shape(1, 48, 2)),
                                            manager.create(
                                                    TimeFeatures.hourly(times),
                                                    new Shape(1, 48, 4))),
                                    false)
                            .get(0)
                            .toFloatArray();
            for (int t = 0; t < 12; t++) {
                String[] f = lines.get(t + 1).split(",");
                for (int j = 0; j < 2; j++) {
                    double expected = z[t * 2 + j] * std[j] + mean[j];
                    assertEquals(expected, Double.parseDouble(f[j + 1]), 1e-4 * Math.abs(expected));
                }
            }
        }
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
        assertTrue(Files.size(png) > 5000, "a drawn plot");
        // without --at: after the last row, to standard output
        String stdout = run("forecast", "--model", model.toString(), "--input", csv.toString());
        assertTrue(
                stdout.startsWith("date,load,temp\n2020-04-20 00:00:00,"), stdout); // T0 + 1200 h
        assertEquals(13, stdout.lines().count());
    }

    @Test
    @Order(4)
    void resumeContinuesTheRun() {
        String out = run("train", "--resume", runDir().toString(), "--epochs", "4");
        assertTrue(out.contains("trained 4 epochs"), out);
    }

    @Test
    @Order(5)
    void badInputsAreOneLineErrors() throws Exception {
        Path model = runDir().resolve("model");
        assertCliError(
                "reads 48 rows of history but only 10 rows precede --at 10",
                "forecast",
                "--model",
                model.toString(),
                "--input",
                csv.toString(),
                "--at",
                "10");
        Path oneColumn = tmp.resolve("one.csv");
        Files.writeString(oneColumn, "date,load\n2020-03-01 00:00:00,1\n2020-03-01 01:00:00,2\n");
        assertCliError(
                "lacks the column temp that the model forecasts (it has load)",
                "forecast",
                "--model",
                model.toString(),
                "--input",
                oneColumn.toString());
        Path hole = tmp.resolve("hole.csv");
        Files.writeString(
                hole, "date,load,temp\n2020-03-01 00:00:00,1,2\n2020-03-01 01:00:00,2,\n");
        assertCliError(
                "line 3, column 3 (temp): missing value",
                "forecast",
                "--model",
                model.toString(),
                "--input",
                hole.toString());
        Path nan = tmp.resolve("nan.csv");
        Files.writeString(nan, "date,load,temp\n2020-03-01 00:00:00,NaN,2\n");
        assertCliError(
                "line 2, column 2 (load): 'NaN' is not a finite number",
                "forecast",
                "--model",
                model.toString(),
                "--input",
                nan.toString());
        assertCliError(
                "unknown dataset 'ettx'; known: etth1, etth2, or the path of a CSV file",
                "train",
                tmp.resolve("linear.json").toString(),
                "--dataset",
                "ettx",
                "--out",
                tmp.resolve("r1").toString());
        Path empty = Files.createDirectories(tmp.resolve("no-ett"));
        assertCliError(
                "ETTh1.csv not found: it is not in "
                        + empty.toAbsolutePath()
                        + "; download ETTh1.csv from https://github.com/zhouhaoyi/ETDataset"
                        + " (folder ETT-small/) into a folder and pass --data-dir <folder>",
                "train",
                tmp.resolve("linear.json").toString(),
                "--dataset",
                "etth1",
                "--data-dir",
                empty.toString(),
                "--out",
                tmp.resolve("r2").toString());
        assertCliError(
                "ETTh2.csv not found",
                "eval",
                model.toString(),
                "--dataset",
                "etth2",
                "--data-dir",
                empty.toString());
        Path shortCsv = tmp.resolve("short.csv");
        StringBuilder sb = new StringBuilder("date,load,temp\n"); // 60 hourly rows
        for (int i = 0; i < 60; i++) {
            sb.append(T0.plusHours(i).toString().replace('T', ' ')).append(":00,1,2\n");
        }
        Files.writeString(shortCsv, sb.toString());
        assertCliError(
                "60 rows are too few for lookback 48 and horizon 12",
                "train",
                tmp.resolve("linear.json").toString(),
                "--dataset",
                shortCsv.toString(),
                "--horizon",
                "12",
                "--out",
                tmp.resolve("r3").toString());
    }
}
