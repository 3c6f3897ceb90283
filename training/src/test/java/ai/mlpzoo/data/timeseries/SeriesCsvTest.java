package ai.mlpzoo.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.mlpzoo.data.timeseries.ForecastData.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generic CSV reader and the chronological split, on files written here. */
class SeriesCsvTest {

    @TempDir Path tmp;

    /** Hourly rows from 2021-01-01: a = row, b = 10 * row (float-exact values). */
    static Path writeSeries(Path dir, int rows) throws IOException {
        StringBuilder sb = new StringBuilder("date,a,b\n");
        LocalDateTime t = LocalDateTime.of(2021, 1, 1, 0, 0);
        for (int r = 0; r < rows; r++) {
            sb.append(t.plusHours(r).toString().replace('T', ' '))
                    .append(":00,")
                    .append(r)
                    .append(',')
                    .append(10 * r)
                    .append('\n');
        }
        Path f = dir.resolve("series.csv");
        Files.writeString(f, sb.toString());
        return f;
    }

    private IllegalArgumentException bad(String csv) throws IOException {
        Path f = tmp.resolve("bad.csv");
        Files.writeString(f, csv);
        return assertThrows(IllegalArgumentException.class, () -> SeriesTable.readCsv(f));
    }

    @Test
    void readsAndSplitsChronologically() throws Exception {
        Path f = writeSeries(tmp, 100);
        SeriesTable t = SeriesTable.readCsv(f);
        assertEquals(List.of("a", "b"), t.columns());
        assertEquals(100, t.rows());
        assertEquals(Duration.ofHours(1), t.step());
        assertEquals(990.0, t.value(99, 1));
        ForecastData d = ForecastDatasets.open(f.toString(), null, 8, 4, null);
        // Dataset_Custom: train int(100 * 0.7) = 70, test int(100 * 0.2) = 20, validation 10
        assertArrayEquals(new int[] {0, 70}, d.borders(Split.TRAIN));
        assertArrayEquals(new int[] {62, 80}, d.borders(Split.VAL));
        assertArrayEquals(new int[] {72, 100}, d.borders(Split.TEST));
        assertEquals(70 - 8 - 4 + 1, d.windows(Split.TRAIN));
        assertEquals(10 - 4 + 1, d.windows(Split.VAL));
        assertEquals(20 - 4 + 1, d.windows(Split.TEST));
        // mean of 0..69 = 34.5; population variance of 0..69 = (70^2 - 1) / 12
        double std = Math.sqrt((70.0 * 70 - 1) / 12);
        assertArrayEquals(new double[] {34.5, 345}, d.mean(), 1e-9);
        assertArrayEquals(new double[] {std, 10 * std}, d.std(), 1e-9);
        float[] x = new float[8 * 2];
        float[] y = new float[4 * 2];
        d.fill(Split.TEST, new int[] {2}, x, null, y);
        // window 2 of the test split reads rows 74..81 and forecasts rows 82..85
        assertEquals((74 - 34.5) / std, x[0], 1e-6);
        assertEquals((82 - 34.5) / std, y[0], 1e-6);
        assertEquals((85 - 34.5) / std, y[6], 1e-6);
        assertEquals((85 - 34.5) / std, y[7], 1e-6); // column b scales the same way
        // a user-set split
        ForecastData u =
                ForecastDatasets.open(
                        f.toString(), null, 8, 4, ForecastDatasets.parseSplit("0.5,0.25,0.25"));
        assertArrayEquals(new int[] {0, 50}, u.borders(Split.TRAIN));
        assertArrayEquals(new int[] {42, 75}, u.borders(Split.VAL));
        assertArrayEquals(new int[] {67, 100}, u.borders(Split.TEST));
    }

    @Test
    void missingValueNamesLineAndColumn() throws Exception {
        IllegalArgumentException e =
                bad("date,a,b\n2021-01-01 00:00:00,1,2\n2021-01-01 01:00:00,3,\n");
        assertTrue(
                e.getMessage()
                        .endsWith(
                                "bad.csv: line 3, column 3 (b): missing value; fill it in (or"
                                        + " drop the row) before forecasting"),
                e.getMessage());
    }

    @Test
    void nonNumericAndNonFiniteValuesAreRefused() throws Exception {
        IllegalArgumentException e =
                bad("date,a,b\n2021-01-01 00:00:00,1,2\n2021-01-01 01:00:00,x1,2\n");
        assertTrue(
                e.getMessage().endsWith("line 3, column 2 (a): 'x1' is not a number"),
                e.getMessage());
        e = bad("date,a,b\n2021-01-01 00:00:00,NaN,2\n");
        assertTrue(
                e.getMessage().contains("line 2, column 2 (a): 'NaN' is not a finite number"),
                e.getMessage());
    }

    @Test
    void badRowsAndTimestampsAreRefused() throws Exception {
        IllegalArgumentException e = bad("date,a,b\n2021-01-01 00:00:00,1\n");
        assertTrue(
                e.getMessage().contains("line 2 has 2 fields but the header has 3"),
                e.getMessage());
        e = bad("date,a\nyesterday,1\n");
        assertTrue(
                e.getMessage().contains("line 2, column 1 (date): 'yesterday' is not a timestamp"),
                e.getMessage());
        e = bad("date,a\n2021-01-01 01:00:00,1\n2021-01-01 00:00:00,1\n");
        assertTrue(
                e.getMessage().contains("line 3: timestamp 2021-01-01 00:00:00 is not after"),
                e.getMessage());
        e = bad("date,a\n");
        assertTrue(e.getMessage().endsWith("no data rows after the header"), e.getMessage());
        e = bad("date\n2021-01-01,1\n");
        assertTrue(
                e.getMessage()
                        .contains("expected a timestamp column and at least one value column"),
                e.getMessage());
        assertThrows(NoSuchFileException.class, () -> SeriesTable.readCsv(tmp.resolve("none.csv")));
    }

    @Test
    void tooFewRowsForTheLookback() throws Exception {
        Path f = writeSeries(tmp, 40);
        // train 28 rows cannot hold lookback 24 + horizon 8
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ForecastDatasets.open(f.toString(), null, 24, 8, null));
        assertTrue(
                e.getMessage()
                        .contains(
                                "40 rows are too few for lookback 24 and horizon 8: the"
                                        + " train split (rows 0 to 28) needs at least 32 rows"),
                e.getMessage());
        // validation has 4 rows of its own, fewer than the horizon 8
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ForecastDatasets.open(f.toString(), null, 4, 8, null));
        assertTrue(e.getMessage().contains("the validation split"), e.getMessage());
        assertTrue(e.getMessage().contains("--context/--horizon"), e.getMessage());
    }

    @Test
    void splitOptionIsChecked() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ForecastDatasets.parseSplit("0.7,0.3"));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ForecastDatasets.parseSplit("0.7,0.2,0.2"));
        assertTrue(e.getMessage().contains("sum to 1"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ForecastDatasets.open(
                                        "etth1", null, 96, 96, new double[] {0.7, 0.1, 0.2}));
        assertTrue(e.getMessage().contains("fixed split"), e.getMessage());
        assertThrows(
                NoSuchFileException.class,
                () -> ForecastDatasets.open(tmp.resolve("x.csv").toString(), null, 8, 4, null));
    }
}
