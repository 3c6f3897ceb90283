package ai.mlpzoo.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.mlpzoo.data.timeseries.ForecastData.Split;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ETT reader against the figures of shared/data/ett/README.md (skipped without the data). */
class EttTest {

    /** The README's train statistics (sklearn StandardScaler on rows [0, 8640), ddof 0). */
    private static final double[] ETTH1_MEAN = {
        7.937742, 2.021039, 5.079771, 0.746186, 2.781762, 0.788453, 17.128262
    };

    private static final double[] ETTH1_STD = {
        5.812749, 2.090105, 5.518794, 1.926379, 1.023523, 0.630237, 9.176491
    };

    private static final double[] ETTH2_MEAN = {
        41.536835, 12.273453, 46.609773, 10.526153, 1.186992, -2.373218, 26.872023
    };

    private static final double[] ETTH2_STD = {
        10.448841, 4.587113, 16.858190, 3.018606, 4.641011, 8.460911, 11.584719
    };

    @Test
    void trainStatisticsMatchTheReadme() throws Exception {
        Path dir = EttData.dir();
        ForecastData h1 = Ett.load("etth1", dir, 96, 96);
        assertArrayEquals(ETTH1_MEAN, h1.mean(), 1e-6);
        assertArrayEquals(ETTH1_STD, h1.std(), 1e-6);
        ForecastData h2 = Ett.load("ETTh2", dir, 96, 96);
        assertArrayEquals(ETTH2_MEAN, h2.mean(), 1e-6);
        assertArrayEquals(ETTH2_STD, h2.std(), 1e-6);
        assertEquals(
                List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"),
                h1.table().columns());
        assertEquals(17420, h1.table().rows());
    }

    @Test
    void splitsAndWindowsAreThePapers() throws Exception {
        Path dir = EttData.dir();
        int[] horizons = {96, 192, 336, 720};
        int[] expected = {2785, 2689, 2545, 2161}; // README: 2881 - pred_len
        for (int i = 0; i < horizons.length; i++) {
            ForecastData d = Ett.load("etth1", dir, 96, horizons[i]);
            assertEquals(expected[i], d.windows(Split.TEST));
            assertEquals(expected[i], d.windows(Split.VAL));
            assertEquals(8640 - 96 - horizons[i] + 1, d.windows(Split.TRAIN));
        }
        ForecastData d = Ett.load("etth1", dir, 96, 96);
        assertArrayEquals(new int[] {0, 8640}, d.borders(Split.TRAIN));
        assertArrayEquals(new int[] {8544, 11520}, d.borders(Split.VAL));
        assertArrayEquals(new int[] {11424, 14400}, d.borders(Split.TEST));
        // the first window of val and test forecasts the first row of its period
        assertEquals(
                LocalDateTime.of(2017, 6, 26, 0, 0), d.table().time(d.borders(Split.VAL)[0] + 96));
        assertEquals(
                LocalDateTime.of(2017, 10, 24, 0, 0),
                d.table().time(d.borders(Split.TEST)[0] + 96));
        // a lookback of 512 (PatchTSMixer) moves only the starts
        ForecastData p = Ett.load("etth1", dir, 512, 96);
        assertArrayEquals(new int[] {8640 - 512, 11520}, p.borders(Split.VAL));
        // the test slice has 2880 + 512 rows: 2880 - 96 + 1 windows, as with lookback 96
        assertEquals(2785, p.windows(Split.TEST));
    }

    @Test
    void windowsHoldZScoresAndTimeMarks() throws Exception {
        ForecastData d = Ett.load("etth1", EttData.dir(), 96, 96);
        float[] x = new float[96 * 7];
        float[] m = new float[96 * 4];
        float[] y = new float[96 * 7];
        d.fill(Split.TRAIN, new int[] {0}, x, m, y);
        // row 0, HUFL = 5.827000141143799 in the file; the README's mean and std
        assertEquals((5.827000141143799 - 7.937742) / 5.812749, x[0], 1e-5);
        // row 0, OT = 30.5310001373291
        assertEquals((30.5310001373291 - 17.128262) / 9.176491, x[6], 1e-5);
        // 2016-07-01 00:00 is a Friday, day 183 of a leap year
        assertEquals(-0.5f, m[0], 1e-7);
        assertEquals(4 / 6f - 0.5f, m[1], 1e-7);
        assertEquals(-0.5f, m[2], 1e-7);
        assertEquals(182 / 365f - 0.5f, m[3], 1e-7);
        // the target starts right after the input: row 96 = input row 0 of window 96
        float[] x96 = new float[96 * 7];
        d.fill(Split.TRAIN, new int[] {96}, x96, null, null);
        assertArrayEquals(y, java.util.Arrays.copyOf(x96, 96 * 7));
        // the test split's first window's target is row 11520
        d.fill(Split.TEST, new int[] {0}, x, null, y);
        assertEquals(d.scaled(11520, 3), y[3]);
        assertEquals(d.scaled(11424, 0), x[0]);
    }

    @Test
    void absentDataSaysWhereToGetIt(@TempDir Path empty) {
        FileNotFoundException e =
                assertThrows(FileNotFoundException.class, () -> Ett.load("etth1", empty, 96, 96));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("ETTh1.csv not found"), msg);
        assertTrue(msg.contains("--data-dir"), msg);
        assertTrue(msg.contains("mlpzoo.ett.dir"), msg);
        assertTrue(msg.contains("github.com/zhouhaoyi/ETDataset"), msg);
        assertTrue(msg.contains("ETT-small/"), msg);
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ForecastDatasets.open("ettm3", null, 96, 96, null));
        assertEquals(
                "unknown dataset 'ettm3'; known: etth1, etth2, or the path of a CSV file (a date"
                        + " column, then numeric columns)",
                e.getMessage());
    }
}
