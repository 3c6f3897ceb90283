package ai.mlpzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The one-cycle schedule against torch 1.13's OneCycleLR. */
class SchedulesTest {

    /**
     * Printed by torch.optim.lr_scheduler.OneCycleLR(Adam(lr=0.01), max_lr=0.01,
     * steps_per_epoch=10, epochs=10, pct_start=0.2): param_groups[0]['lr'] and ['betas'][0] before
     * each optimizer step.
     */
    private static final double[][] TORCH = {
        {0, 0.00039999999999999931, 0.94999999999999996},
        {1, 0.00046546574366693183, 0.94931806517013606},
        {5, 0.0019490484561964418, 0.93386407858128706},
        {10, 0.0055963808582671949, 0.89587103272638335},
        {19, 0.01, 0.84999999999999998},
        {20, 0.0099961451966228913, 0.85003854818796387},
        {21, 0.0099845867303189652, 0.85015413331334355},
        {50, 0.006730598363046323, 0.88269414714612537},
        {98, 3.8948033771103093e-06, 0.94996145181203606},
        {99, 4.0000000000000001e-08, 0.94999999999999996},
    };

    @Test
    void oneCycleIsTorchs() {
        LongToDoubleFunction lr = Schedules.oneCycle(0.01, 100, 0.2);
        LongToDoubleFunction beta1 = Schedules.oneCycleBeta1(100, 0.2);
        for (double[] row : TORCH) {
            long step = (long) row[0];
            assertEquals(row[1], lr.applyAsDouble(step), 1e-15, "lr at step " + step);
            assertEquals(row[2], beta1.applyAsDouble(step), 1e-15, "beta1 at step " + step);
        }
    }
}
