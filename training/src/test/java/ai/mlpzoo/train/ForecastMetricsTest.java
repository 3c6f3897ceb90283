package ai.mlpzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The test figures over every window and over TimeMixer's drop_last windows. */
class ForecastMetricsTest {

    @Test
    void everyWindowAndTheDropLastOnes() {
        // 300 windows of 10 values: windows 0..255 have squared-error sum 10 (MSE 1) and absolute
        // sum 20 (MAE 2); the 44 windows drop_last discards have sums 40 and 30
        double[] sq = new double[300];
        double[] ab = new double[300];
        for (int i = 0; i < 300; i++) {
            sq[i] = i < 256 ? 10 : 40;
            ab[i] = i < 256 ? 20 : 30;
        }
        ForecastMetrics m = ForecastMetrics.of(sq, ab, 10);
        assertEquals(300, m.windows());
        assertEquals(256, m.dropLastWindows());
        assertEquals((256 * 1.0 + 44 * 4.0) / 300, m.mse(), 1e-12);
        assertEquals((256 * 2.0 + 44 * 3.0) / 300, m.mae(), 1e-12);
        assertEquals(1.0, m.dropLastMse(), 1e-12);
        assertEquals(2.0, m.dropLastMae(), 1e-12);
        // the README's counts: 2785 test windows at horizon 96 keep 2688
        assertEquals(
                2688, ForecastMetrics.of(new double[2785], new double[2785], 1).dropLastWindows());
        // fewer than one batch: no drop_last figure
        ForecastMetrics few = ForecastMetrics.of(new double[] {1}, new double[] {1}, 1);
        assertTrue(Double.isNaN(few.dropLastMse()));
        assertEquals(0, few.dropLastWindows());
        // exactly full batches: both figures agree
        ForecastMetrics full = ForecastMetrics.of(new double[128], new double[128], 1);
        assertEquals(full.mse(), full.dropLastMse());
    }
}
