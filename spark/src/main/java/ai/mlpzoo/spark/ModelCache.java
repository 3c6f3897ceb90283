package ai.mlpzoo.spark;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The models of this JVM (an executor, or the driver in local mode), each loaded once, keyed by
 * {@link ModelSource#key model, engine, arguments and types}: every task of every partition that
 * runs here shares it, and borrows its own {@link Predictor} (predictors are not thread-safe),
 * closed when the task completes. DJL's own Spark extension loads the model again for every
 * partition (DJL issue 3079); the counters here show that this one does not.
 *
 * <p>The models stay loaded for the JVM's life (executors are reused across jobs); {@link #clear()}
 * closes them.
 */
public final class ModelCache {

    private static final Map<String, ZooModel<?, ?>> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();
    private static final AtomicLong BORROWED = new AtomicLong();

    /** Predictors borrowed by tasks and not yet closed: {@link #clear()} waits for them. */
    private static final AtomicInteger ACTIVE = new AtomicInteger();

    private ModelCache() {}

    /**
     * @param source the model
     * @param in the input type
     * @param out the output type
     * @param <I> the input type
     * @param <O> the output type
     * @return the model, loaded on the first call in this JVM
     */
    @SuppressWarnings("unchecked")
    public static <I, O> ZooModel<I, O> get(ModelSource source, Class<I> in, Class<O> out) {
        String key = source.key(in, out);
        return (ZooModel<I, O>)
                MODELS.computeIfAbsent(
                        key,
                        k -> {
                            try {
                                ZooModel<I, O> m = source.criteria(in, out).loadModel();
                                LOADS.computeIfAbsent(k, x -> new AtomicInteger())
                                        .incrementAndGet();
                                return m;
                            } catch (IOException e) {
                                throw new UncheckedIOException(
                                        source.ref() + ": " + e.getMessage(), e);
                            } catch (ModelNotFoundException | MalformedModelException e) {
                                throw new IllegalStateException(
                                        source.ref() + ": " + e.getMessage(), e);
                            }
                        });
    }

    /**
     * A predictor of its own for the running task, closed when the task completes (successfully or
     * not); outside a task (the driver, a test) the caller closes it.
     *
     * @param model the shared model
     * @param <I> the input type
     * @param <O> the output type
     * @return a new predictor
     */
    public static <I, O> Predictor<I, O> borrow(ZooModel<I, O> model) {
        Predictor<I, O> p = model.newPredictor();
        forTaskThread(model);
        BORROWED.incrementAndGet();
        closeWithTask(p);
        return p;
    }

    /**
     * A predictor of its own for the running task with another translator over the same loaded
     * model (activation capture reads a hook point of the model that embeds), closed as {@link
     * #borrow(ZooModel)}'s.
     *
     * @param model the shared model
     * @param translator the translator of this predictor
     * @param <P> the input type
     * @param <Q> the output type
     * @return a new predictor
     */
    public static <P, Q> Predictor<P, Q> borrow(
            ZooModel<?, ?> model, ai.djl.translate.Translator<P, Q> translator) {
        Predictor<P, Q> p = model.newPredictor(translator);
        forTaskThread(model);
        BORROWED.incrementAndGet();
        closeWithTask(p);
        return p;
    }

    /**
     * A task thread never trains (no autograd recording) and runs the engine threads its model
     * source asked for, whenever the engine was started.
     */
    private static void forTaskThread(ZooModel<?, ?> model) {
        ai.mlpzoo.zoo.InferenceThreads.noGradOnThisThread(model);
        ai.mlpzoo.zoo.InferenceThreads.configuredThreadsOnThisThread(model);
    }

    /**
     * Closes a task's predictor when the task completes, and counts it as active until then. A task
     * that Spark kills (another task of its job failed) keeps running in native code until it
     * notices; the count lets {@link #clear()} wait for it instead of freeing the model's memory
     * under it (in local mode the driver's next job, or a test's clean-up, would otherwise crash
     * the JVM in libtorch).
     */
    private static void closeWithTask(Predictor<?, ?> p) {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return; // the caller closes it
        }
        ACTIVE.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean closed =
                new java.util.concurrent.atomic.AtomicBoolean();
        task.addTaskCompletionListener(
                (TaskCompletionListener)
                        ctx -> {
                            if (closed.compareAndSet(false, true)) {
                                try {
                                    p.close();
                                } finally {
                                    ACTIVE.decrementAndGet();
                                }
                            }
                        });
    }

    /**
     * @param source the model
     * @param in the input type
     * @param out the output type
     * @return how many times this JVM loaded it (1 after any number of tasks)
     */
    public static int loads(ModelSource source, Class<?> in, Class<?> out) {
        AtomicInteger n = LOADS.get(source.key(in, out));
        return n == null ? 0 : n.get();
    }

    /**
     * @return every model load in this JVM since it started (or since {@link #clear()})
     */
    public static int totalLoads() {
        return LOADS.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /**
     * @return predictors borrowed by running tasks and not closed yet (0 once every task of every
     *     job has completed, failed attempts included): what {@link #clear()} waits for
     */
    static int activePredictors() {
        return ACTIVE.get();
    }

    /**
     * @return predictors handed out (one per task and model)
     */
    public static long predictorsBorrowed() {
        return BORROWED.get();
    }

    /**
     * Closes every model and resets the counters, after the tasks still holding a predictor have
     * completed (at most a minute; a model still in use after that is dropped without being closed:
     * a leak, not a crash).
     */
    public static synchronized void clear() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (ACTIVE.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean idle = ACTIVE.get() == 0;
        if (!idle) {
            System.err.println(
                    "mlpzoo-spark: "
                            + ACTIVE.get()
                            + " task predictor(s) still open after a minute; their models are"
                            + " dropped without being closed");
        }
        for (ZooModel<?, ?> m : MODELS.values()) {
            if (idle) {
                m.close();
            }
        }
        MODELS.clear();
        LOADS.clear();
        BORROWED.set(0);
    }
}
