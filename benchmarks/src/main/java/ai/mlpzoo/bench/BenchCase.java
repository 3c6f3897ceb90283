package ai.mlpzoo.bench;

import java.util.Map;

/**
 * One benchmark case: set up once, then a step that the {@link Harness} times after a warm-up. Each
 * step must release what it creates (a sub-manager per step), so that memory stays flat.
 */
public abstract class BenchCase implements AutoCloseable {

    /**
     * Warm-up steps of the single-input inference cases ({@code *_infer1}), on both sides: 20 steps
     * of a 2-5 ms forward leave the JIT compiling on the same two cores as the forward. Ours on
     * {@code mixer_infer1}, session 15: 4.39 and 4.93 ms after 20; after 300, median 3.30 ms over
     * eleven runs (2.32 to 4.95). PyTorch eager has no JIT; it gets the same count.
     */
    static final int INFER1_WARMUP = 300;

    /** Timed steps of the single-input inference cases. */
    static final int INFER1_STEPS = 200;

    private final String name;
    private final double flops;
    private final int warmup;
    private final int steps;

    /**
     * @param name the case name printed at the start of its line; no FLOP count, 3 + 10 steps
     */
    protected BenchCase(String name) {
        this(name, Double.NaN, 3, 10);
    }

    /**
     * @param name the case name printed at the start of its line
     * @param flops floating-point operations of one step (matmuls counted analytically), or NaN
     * @param warmup the default number of warm-up steps
     * @param steps the default number of timed steps
     */
    protected BenchCase(String name, double flops, int warmup, int steps) {
        this.name = name;
        this.flops = flops;
        this.warmup = warmup;
        this.steps = steps;
    }

    /**
     * @return the case name
     */
    public String name() {
        return name;
    }

    /**
     * Builds the model, the data and the optimiser; not timed.
     *
     * @throws Skipped when the case cannot run here (an engine or a file is missing)
     * @throws Exception when setting up fails
     */
    public abstract void setup() throws Exception;

    /**
     * One timed step; on the CPU the engine is synchronous, so the work is done when it returns.
     *
     * @throws Exception when the step fails
     */
    public abstract void step() throws Exception;

    /**
     * @return floating-point operations of one step (matmuls counted analytically), or NaN
     */
    public final double flopsPerStep() {
        return flops;
    }

    /**
     * The number of timed steps, given the one asked for; a case with a fixed count overrides it.
     *
     * @param requested the count from the command line or the case default
     * @return the count to time
     */
    public int timedSteps(int requested) {
        return requested;
    }

    /**
     * @return the default number of warm-up steps
     */
    public final int defaultWarmup() {
        return warmup;
    }

    /**
     * @return the default number of timed steps
     */
    public final int defaultSteps() {
        return steps;
    }

    /**
     * Called once before the first timed step (after the warm-up).
     *
     * @throws Exception when a step fails
     */
    public void beforeTimed() throws Exception {}

    /**
     * Adds case-specific fields to the result line, once the timed steps are done.
     *
     * @param sortedMs the step times in ms, ascending
     * @param extras where to put {@code key -> value}
     */
    public void report(double[] sortedMs, Map<String, String> extras) {}

    @Override
    public void close() throws Exception {}

    /**
     * The number of trainable parameters of a block (what {@code sum(p.numel() for p in
     * model.parameters())} counts in PyTorch: batch-norm running statistics are buffers there and
     * not trainable here), printed as {@code params=} by the cases that have a Python reference, so
     * that both sides can be seen to build the same model.
     *
     * @param block an initialised block
     * @return the count
     */
    static long trainableParameters(ai.djl.nn.Block block) {
        long n = 0;
        for (ai.djl.nn.Parameter p : block.getParameters().values()) {
            if (p.requiresGradient() && p.isInitialized()) {
                n += p.getArray().size();
            }
        }
        return n;
    }

    /** Thrown by {@link #setup} when the case cannot run on this machine or classpath. */
    public static final class Skipped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * @param reason why, and what would make it run
         */
        public Skipped(String reason) {
            super(reason);
        }
    }
}
