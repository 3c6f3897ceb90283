package ai.mlpzoo.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forecasting translator: raw units in and out, windows, time features, refusals. */
class ForecastTranslatorTest {

    @TempDir Path tmp;

    private static final String META =
            "{\"input_size\": [3, 2], \"horizon\": 2, \"mean\": [10, 0], \"std\": [2, 1],"
                    + " \"columns\": [\"load\", \"temp\"], \"step\": \"PT1H\"}";

    /** A toy forecaster: step t of the forecast is the window's last step times (t + 1). */
    private static Function<NDList, NDList> lastTimesStep() {
        return in -> {
            NDArray x = in.get(0); // (B, 3, 2)
            NDArray last = x.get(new NDIndex(":, -1:, :")); // (B, 1, 2)
            return new NDList(last.concat(last.mul(2), 1)); // (B, 2, 2)
        };
    }

    /** A toy forecaster that returns the hour and weekday features of the last input step. */
    private static Function<NDList, NDList> marksEcho() {
        return in -> {
            NDArray marks = in.get(1); // (B, 3, 4)
            NDArray last = marks.get(new NDIndex(":, -1:, 0:2")); // (B, 1, 2)
            return new NDList(last.concat(last, 1)); // (B, 2, 2)
        };
    }

    private static Predictor<TimeSeries, Forecast> predictor(Model model) throws Exception {
        return model.newPredictor(
                new ForecastTranslatorFactory()
                        .newInstance(TimeSeries.class, Forecast.class, model, Map.of()));
    }

    @Test
    void rawValuesGoInAndComeOutWithTheLastContextRowsAndContinuedTimestamps() throws Exception {
        float[][] raw = {{99, 99}, {10, 1}, {12, 2}, {16, 4}};
        LocalDateTime t0 = LocalDateTime.of(2017, 10, 24, 0, 0);
        LocalDateTime[] stamps = {t0, t0.plusHours(1), t0.plusHours(2), t0.plusHours(3)};
        try (Model model = TestModels.model(tmp.resolve("m"), META, lastTimesStep());
                Predictor<TimeSeries, Forecast> p = predictor(model)) {
            Forecast f = p.predict(new TimeSeries(raw, stamps));
            // last row z-scored: ((16 - 10) / 2, 4) = (3, 4); step t is (t + 1) times that,
            // scaled back: (3 * 2 + 10, 4) and (6 * 2 + 10, 8)
            assertArrayEquals(new float[] {16f, 4f}, f.values()[0], 1e-6f);
            assertArrayEquals(new float[] {22f, 8f}, f.values()[1], 1e-6f);
            assertArrayEquals(
                    new LocalDateTime[] {t0.plusHours(4), t0.plusHours(5)}, f.timestamps());
            assertEquals(List.of("load", "temp"), f.columns());

            List<Forecast> batch =
                    p.batchPredict(
                            List.of(
                                    TimeSeries.of(raw),
                                    TimeSeries.of(new float[][] {{0, 0}, {0, 0}, {12, -1}})));
            assertArrayEquals(new float[] {16f, 4f}, batch.get(0).values()[0], 1e-6f);
            assertNull(batch.get(0).timestamps());
            assertArrayEquals(new float[] {14f, -2f}, batch.get(1).values()[1], 1e-6f);
        }
    }

    @Test
    void plainArraysWork() throws Exception {
        try (Model model = TestModels.model(tmp.resolve("m"), META, lastTimesStep());
                Predictor<float[][], float[][]> p =
                        model.newPredictor(
                                new ForecastTranslatorFactory()
                                        .newInstance(
                                                float[][].class,
                                                float[][].class,
                                                model,
                                                Map.of()))) {
            float[][] out = p.predict(new float[][] {{10, 1}, {12, 2}, {16, 4}});
            assertArrayEquals(new float[] {22f, 8f}, out[1], 1e-6f);
        }
    }

    @Test
    void timeFeaturesAreComputedFromTheTimestamps() throws Exception {
        String meta = "{\"input_size\": [3, 2], \"time_features\": 4}";
        // 2016-07-01 was a Friday (weekday 4)
        LocalDateTime t0 = LocalDateTime.of(2016, 7, 1, 3, 0);
        LocalDateTime[] stamps = {t0, t0.plusHours(1), t0.plusHours(2)};
        try (Model model = TestModels.model(tmp.resolve("m"), meta, marksEcho());
                Predictor<TimeSeries, Forecast> p = predictor(model)) {
            Forecast f = p.predict(new TimeSeries(new float[3][2], stamps));
            assertArrayEquals(new float[] {5f / 23 - 0.5f, 4f / 6 - 0.5f}, f.values()[0], 1e-6f);
            assertMessage(
                    p,
                    TimeSeries.of(new float[3][2]),
                    "this model reads time features: give the timestamp of every row");
        }
    }

    @Test
    void badWindowsAreRefusedWithWhatTheModelTakes() throws Exception {
        try (Model model = TestModels.model(tmp.resolve("m"), META, lastTimesStep());
                Predictor<TimeSeries, Forecast> p = predictor(model)) {
            assertMessage(
                    p,
                    TimeSeries.of(new float[][] {{1, 2}, {3, 4}}),
                    "the model reads the last 3 steps, the series has only 2");
            assertMessage(
                    p,
                    TimeSeries.of(new float[][] {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}}),
                    "the model reads 2 channels [load, temp], the series has 3");
            assertMessage(
                    p,
                    TimeSeries.of(new float[][] {{1, 2}, {1, Float.NaN}, {1, 2}}),
                    "row 1, channel 1 of the series is NaN");
        }
        assertEquals(
                "row 1 of the series has 1 values, row 0 has 2",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> TimeSeries.of(new float[][] {{1, 2}, {1}}))
                        .getMessage());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new ForecastTranslator(
                                        ModelInfo.parse("{\"input_size\": [3]}", "meta.json")));
        assertTrue(e.getMessage().contains("needs 'input_size' [context, channels]"));
    }

    @Test
    void nonFiniteForecastsAreRefused() throws Exception {
        try (Model model = TestModels.model(tmp.resolve("m"), META, lastTimesStep());
                Predictor<TimeSeries, Forecast> p = predictor(model)) {
            assertMessage(p, TimeSeries.of(new float[][] {{1, 2}, {1, 2}, {1, 3e38f}}), "forecast");
        }
    }

    private static void assertMessage(Predictor<TimeSeries, ?> p, TimeSeries in, String expected) {
        Exception e = assertThrows(Exception.class, () -> p.predict(in));
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        assertTrue(all.toString().contains(expected), all.toString());
    }
}
