package ai.mlpzoo.spring;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A fixed number of {@link Predictor}s of one model, lent to one thread at a time: DJL predictors
 * are not thread-safe, so each request borrows one, runs, and gives it back. A request that finds
 * none free within the borrow timeout gets a {@link PoolExhaustedException} rather than queueing
 * without bound. Closing the pool closes the idle predictors at once and the busy ones when they
 * come back.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class PredictorPool<I, O> implements AutoCloseable {

    /** Work done with a borrowed predictor. */
    @FunctionalInterface
    public interface Work<I, O, R> {
        /**
         * @param predictor the predictor, this thread's until the call returns
         * @return the result
         * @throws TranslateException when the prediction fails
         */
        R apply(Predictor<I, O> predictor) throws TranslateException;
    }

    private final String model;
    private final int size;
    private final BlockingQueue<Predictor<I, O>> idle;
    private final List<Predictor<I, O>> all;
    private final long timeoutNanos;
    private final PredictionMetrics metrics;
    private boolean closed;

    /**
     * Creates the pool and all its predictors.
     *
     * @param model the model id, for messages and metrics
     * @param size the number of predictors (at least 1)
     * @param factory makes one predictor
     * @param borrowTimeout how long {@link #predict} waits for a free predictor
     * @param metrics where predictions are reported
     * @throws IllegalArgumentException when the size or timeout is not positive
     */
    public PredictorPool(
            String model,
            int size,
            Supplier<Predictor<I, O>> factory,
            Duration borrowTimeout,
            PredictionMetrics metrics) {
        if (size < 1) {
            throw new IllegalArgumentException(
                    "model " + model + ": the predictor pool size must be >= 1, got " + size);
        }
        if (borrowTimeout == null || borrowTimeout.isNegative() || borrowTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "model "
                            + model
                            + ": the borrow timeout must be positive, got "
                            + borrowTimeout);
        }
        this.model = model;
        this.size = size;
        this.timeoutNanos = borrowTimeout.toNanos();
        this.metrics = metrics == null ? PredictionMetrics.NONE : metrics;
        this.idle = new ArrayBlockingQueue<>(size);
        this.all = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                Predictor<I, O> p = factory.get();
                all.add(p);
                idle.add(p);
            }
        } catch (RuntimeException e) {
            all.forEach(Predictor::close);
            throw e;
        }
    }

    /**
     * Runs one prediction on a borrowed predictor.
     *
     * @param input the input
     * @return the output
     * @throws TranslateException when the prediction fails
     * @throws PoolExhaustedException when no predictor is free within the timeout, or the pool is
     *     closed
     */
    public O predict(I input) throws TranslateException {
        return apply(p -> p.predict(input));
    }

    /**
     * Runs work on a borrowed predictor, timed and counted as one prediction.
     *
     * @param work what to do with the predictor
     * @param <R> the result type
     * @return the work's result
     * @throws TranslateException when the prediction fails
     * @throws PoolExhaustedException when no predictor is free within the timeout, or the pool is
     *     closed
     */
    public <R> R apply(Work<I, O, R> work) throws TranslateException {
        Predictor<I, O> p = borrow();
        long t0 = System.nanoTime();
        boolean ok = false;
        try {
            R r = work.apply(p);
            ok = true;
            return r;
        } finally {
            metrics.record(model, System.nanoTime() - t0, ok);
            giveBack(p);
        }
    }

    private Predictor<I, O> borrow() {
        if (isClosed()) {
            throw new PoolExhaustedException("model " + model + " is shutting down");
        }
        Predictor<I, O> p;
        try {
            p = idle.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolExhaustedException(
                    "model " + model + ": interrupted while waiting for a predictor");
        }
        if (p == null) {
            throw new PoolExhaustedException(
                    "model "
                            + model
                            + ": all "
                            + size
                            + " predictors stayed busy for "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms");
        }
        return p;
    }

    private synchronized void giveBack(Predictor<I, O> p) {
        if (closed) {
            p.close();
        } else {
            idle.add(p);
        }
    }

    /**
     * @return the number of predictors
     */
    public int size() {
        return size;
    }

    /**
     * @return the number of predictors free right now
     */
    public int available() {
        return idle.size();
    }

    /**
     * @return whether the pool has been closed
     */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the idle predictors now and the busy ones when they are given back. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Predictor<I, O>> drained = new ArrayList<>();
        idle.drainTo(drained);
        drained.forEach(Predictor::close);
    }
}
