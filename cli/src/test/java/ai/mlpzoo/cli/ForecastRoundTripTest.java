package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.translate.Forecast;
import ai.mlpzoo.translate.ForecastTranslatorFactory;
import ai.mlpzoo.translate.TimeSeries;
import ai.mlpzoo.zoo.MlpZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's CSV forecast by {@code mlpzoo forecast} and by the same model directory through {@code
 * Criteria} ({@code TimeSeries} to {@code Forecast}, what the zoo and the service use) gives the
 * same numbers, to the last printed digit.
 */
class ForecastRoundTripTest {

    @TempDir Path tmp;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Test
    void cliAndCriteriaGiveIdenticalForecasts() throws Exception {
        Path model = tmp.resolve("model");
        Path fixture =
                Paths.get(
                                System.getProperty("mlpzoo.fixtures", "../fixtures"),
                                "reference",
                                "timeseries",
                                "tsmixer_google_tiny")
                        .toAbsolutePath();
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "tsmixer-google",
                        fixture.toString(),
                        "--out",
                        model.toString()));
        // training statistics as a trained model records them: raw = z * std + mean
        Files.writeString(
                model.resolve("metadata.json"),
                "{\"input_size\": [32, 3], \"horizon\": 8, \"mean\": [10, -2, 0.5],"
                        + " \"std\": [2, 0.5, 4], \"columns\": [\"a\", \"b\", \"c\"],"
                        + " \"step\": \"PT1H\"}");
        LocalDateTime t0 = LocalDateTime.of(2021, 3, 1, 0, 0);
        float[][] rows = new float[40][3];
        StringBuilder csv = new StringBuilder("date,a,b,c\n");
        for (int t = 0; t < 40; t++) {
            rows[t][0] = 10 + 3 * (float) Math.sin(t / 4.0);
            rows[t][1] = -2 + 0.1f * t;
            rows[t][2] = (t % 5) - 1.5f;
            csv.append(t0.plusHours(t).format(TIME));
            for (float v : rows[t]) {
                csv.append(',').append(v);
            }
            csv.append('\n');
        }
        Path input = tmp.resolve("series.csv");
        Files.writeString(input, csv);
        Path out = tmp.resolve("forecast.csv");
        assertEquals(
                0,
                MlpZooCli.run(
                        "forecast",
                        "--model",
                        model.toString(),
                        "--input",
                        input.toString(),
                        "--output",
                        out.toString()));
        List<String> lines = Files.readAllLines(out);

        LocalDateTime[] stamps = new LocalDateTime[40];
        for (int t = 0; t < 40; t++) {
            stamps[t] = t0.plusHours(t);
        }
        Criteria<TimeSeries, Forecast> criteria =
                Criteria.builder()
                        .setTypes(TimeSeries.class, Forecast.class)
                        .optModelPath(model)
                        .optTranslatorFactory(new ForecastTranslatorFactory())
                        .build();
        try (ZooModel<TimeSeries, Forecast> m = MlpZoo.loadModel(criteria);
                Predictor<TimeSeries, Forecast> p = m.newPredictor()) {
            Forecast f = p.predict(new TimeSeries(rows, stamps));
            assertEquals(9, lines.size());
            for (int t = 0; t < 8; t++) {
                StringBuilder expected = new StringBuilder(f.timestamps()[t].format(TIME));
                for (float v : f.values()[t]) {
                    expected.append(',').append(v);
                }
                assertEquals(expected.toString(), lines.get(t + 1), "row " + t);
            }
        }
        assertEquals("date,a,b,c", lines.get(0).toLowerCase(Locale.ROOT));
    }
}
