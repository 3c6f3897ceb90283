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

    /**
     * PyTorch's {@code OneCycleLR} with its defaults (Smith and Topin 2018, "Super-Convergence"),
     * the {@code lradj 'TST'} schedule of the TimeMixer and PatchTST scripts: cosine from {@code
     * maxLr / 25} up to {@code maxLr} over the first {@code pctStart} of the steps, then cosine
     * down to {@code maxLr / 25 / 1e4} at the last step. As torch computes it, the rise ends at
     * step {@code pctStart * total - 1} (a float) and the fall at {@code total - 1}.
     *
     * @param maxLr the peak learning rate
     * @param total the total number of steps (epochs x steps per epoch)
     * @param pctStart the share of the steps spent rising
     * @return the schedule
     */
    public static LongToDoubleFunction oneCycle(double maxLr, long total, double pctStart) {
        double initial = maxLr / 25;
        return oneCyclePhases(total, pctStart, initial, maxLr, initial / 1e4);
    }

    /**
     * The first Adam moment coefficient (beta1) that {@code OneCycleLR} cycles against the learning
     * rate when {@code cycle_momentum} is on (its default): 0.95 down to 0.85 while the rate rises,
     * back to 0.95 as it falls.
     *
     * @param total the total number of steps
     * @param pctStart the share of the steps spent rising
     * @return beta1 by step
     */
    public static LongToDoubleFunction oneCycleBeta1(long total, double pctStart) {
        return oneCyclePhases(total, pctStart, 0.95, 0.85, 0.95);
    }

    private static LongToDoubleFunction oneCyclePhases(
            long total, double pctStart, double start, double mid, double end) {
        if (total < 2 || !(pctStart > 0 && pctStart < 1)) {
            throw new IllegalArgumentException(
                    "one-cycle schedule needs at least 2 steps and pct_start in (0, 1), got "
                            + total
                            + " steps and "
                            + pctStart);
        }
        double riseEnd = pctStart * total - 1;
        double fallEnd = total - 1;
        return step -> {
            if (step <= riseEnd) {
                double pct = riseEnd <= 0 ? 1 : step / riseEnd;
                return cosine(start, mid, pct);
            }
            double pct = Math.min(1.0, (step - riseEnd) / (fallEnd - riseEnd));
            return cosine(mid, end, pct);
        };
    }

    /** Cosine annealing from {@code from} (pct 0) to {@code to} (pct 1), as torch's. */
    private static double cosine(double from, double to, double pct) {
        return to + (from - to) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }
}
