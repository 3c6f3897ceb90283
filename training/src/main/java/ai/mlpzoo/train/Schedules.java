package ai.mlpzoo.train;

import java.util.function.LongToDoubleFunction;

/** Learning-rate schedules of the global step. */
public final class Schedules {

    private Schedules() {}

    /**
     * Linear warm-up from lr / warmup to lr, then cosine decay to {@code minLr} at {@code total}
     * (Loshchilov and Hutter 2017, SGDR, without restarts).
     *
     * @param lr the peak learning rate
     * @param minLr the final learning rate
     * @param warmup warm-up steps
     * @param total total steps
     * @return the schedule
     */
    public static LongToDoubleFunction warmupCosine(
            double lr, double minLr, long warmup, long total) {
        return step -> {
            if (step < warmup) {
                return lr * (step + 1) / warmup;
            }
            double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup));
            return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
        };
    }
}
