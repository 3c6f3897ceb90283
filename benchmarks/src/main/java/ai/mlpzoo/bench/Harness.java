package ai.mlpzoo.bench;

import ai.djl.engine.Engine;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plain benchmark harness: set up, warm up, time N steps one by one with {@link
 * System#nanoTime}, report the median (and the case's own fields). JMH would add forked JVMs and
 * blackholes; here every step is a native call sequence whose result is consumed by the next step
 * or closed, so the JIT cannot remove it, and a median over whole steps is what the issue compares
 * against PyTorch's eager timings.
 */
public final class Harness {

    /** The random seed every case starts from. */
    public static final int SEED = 42;

    private Harness() {}

    /**
     * Runs one case and closes it.
     *
     * @param c the case
     * @param warmup warm-up steps, or -1 for the case's default
     * @param steps timed steps, or -1 for the case's default
     * @return the result (skipped when the case says it cannot run here)
     * @throws Exception when the case fails
     */
    public static BenchResult run(BenchCase c, int warmup, int steps) throws Exception {
        try (c) {
            Engine.getInstance().setRandomSeed(SEED);
            try {
                c.setup();
            } catch (BenchCase.Skipped e) {
                return BenchResult.skipped(c.name(), e.getMessage());
            }
            int w = warmup >= 0 ? warmup : c.defaultWarmup();
            int n = c.timedSteps(steps > 0 ? steps : c.defaultSteps());
            for (int i = 0; i < w; i++) {
                c.step();
            }
            c.beforeTimed();
            long cpu0 = ProcessStats.cpuNanos();
            long faults0 = ProcessStats.minorFaults();
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                c.step();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            long cpu = ProcessStats.cpuNanos() - cpu0;
            long faults = ProcessStats.minorFaults() - faults0;
            Arrays.sort(ms);
            Map<String, String> extras = new LinkedHashMap<>();
            c.report(ms, extras);
            // load-insensitive diagnostics: process CPU time (all threads) and page faults per step
            if (cpu0 >= 0) {
                extras.put("cpu_ms_per_step", BenchResult.fmt(cpu / 1e6 / n));
            }
            if (faults0 >= 0) {
                extras.put(
                        "faults_per_step",
                        String.format(java.util.Locale.ROOT, "%.0f", faults / (double) n));
            }
            return new BenchResult(c.name(), ms, c.flopsPerStep(), extras, null);
        }
    }
}
