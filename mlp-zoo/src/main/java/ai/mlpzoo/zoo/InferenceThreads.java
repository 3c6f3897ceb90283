package ai.mlpzoo.zoo;

import ai.djl.Model;
import java.lang.reflect.Method;

/**
 * Turns off autograd recording on a thread that only runs inference. libtorch's grad mode is per
 * thread and on by default; DJL's PyTorch engine turns it off on the one thread that loads the
 * engine, and a {@code GradientCollector} turns it on for its own scope. So on every other thread
 * (a Spark task, a web request) each forward of a Java block whose parameters require gradients
 * builds an autograd graph and keeps its inputs for a backward that never comes. Measured with
 * {@code mlpzoo bench}'s harness on a second thread: the single-image Mixer took 4.9 to 6.3 ms with
 * recording on, 3.9 to 5.5 ms with it off; PoolFormer 2.9 to 4.0 ms against 2.3 to 2.7 ms.
 *
 * <p>Only for threads that never train outside a {@code GradientCollector} (a collector sets the
 * mode it needs when it opens). The call goes through reflection because this module does not
 * depend on the PyTorch engine; on any other engine it does nothing.
 */
public final class InferenceThreads {

    /** The system property DJL's PyTorch engine reads, once, for its intra-op thread count. */
    public static final String TORCH_THREADS = "ai.djl.pytorch.num_threads";

    private static final Method IS_GRAD_MODE;
    private static final Method SET_GRAD_MODE;
    private static final Method GET_THREADS;
    private static final Method SET_THREADS;

    static {
        Method is = null;
        Method set = null;
        Method getThreads = null;
        Method setThreads = null;
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            is = jni.getMethod("isGradMode");
            set = jni.getMethod("setGradMode", boolean.class);
            getThreads = jni.getMethod("getNumThreads");
            setThreads = jni.getMethod("setNumThreads", int.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            // no PyTorch engine on the classpath: nothing records gradients
        }
        IS_GRAD_MODE = is;
        SET_GRAD_MODE = set;
        GET_THREADS = getThreads;
        SET_THREADS = setThreads;
    }

    private InferenceThreads() {}

    /**
     * Turns autograd recording off on the calling thread when the model runs on PyTorch.
     *
     * @param model the model this thread is about to run
     */
    public static void noGradOnThisThread(Model model) {
        if (SET_GRAD_MODE == null
                || !"PyTorch".equals(model.getNDManager().getEngine().getEngineName())) {
            return;
        }
        try {
            if ((Boolean) IS_GRAD_MODE.invoke(null)) {
                SET_GRAD_MODE.invoke(null, false);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set PyTorch's grad mode", e);
        }
    }

    /**
     * Gives the calling thread the intra-op thread count asked for with {@value #TORCH_THREADS},
     * when the model runs on PyTorch and the property is set. libtorch's OpenMP count is per
     * thread: a thread takes the process's count when it runs its first operation, and the engine
     * reads the property only once, when it starts. An engine started before the property was set
     * (by another model, or by ONNX Runtime borrowing PyTorch for the translator's array
     * operations) gives every new thread the default (the number of cores); a Spark task asking for
     * one thread then runs two beside the other task's two, on two cores.
     *
     * @param model the model this thread is about to run
     */
    public static void configuredThreadsOnThisThread(Model model) {
        String wanted = System.getProperty(TORCH_THREADS);
        if (SET_THREADS == null
                || wanted == null
                || !"PyTorch".equals(model.getNDManager().getEngine().getEngineName())) {
            return;
        }
        int n;
        try {
            n = Integer.parseInt(wanted.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    TORCH_THREADS + " must be a positive whole number, not '" + wanted + "'", e);
        }
        if (n < 1) {
            throw new IllegalArgumentException(
                    TORCH_THREADS + " must be a positive whole number, not '" + wanted + "'");
        }
        try {
            // only on a change: setting the count also clears oneDNN's cache of computations
            if ((Integer) GET_THREADS.invoke(null) != n) {
                SET_THREADS.invoke(null, n);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set PyTorch's intra-op threads", e);
        }
    }

    /**
     * @param model a model: its engine is PyTorch, or the answer is -1
     * @return PyTorch's intra-op thread count on the calling thread, or -1 on another engine
     */
    public static int intraOpThreads(Model model) {
        if (GET_THREADS == null
                || !"PyTorch".equals(model.getNDManager().getEngine().getEngineName())) {
            return -1;
        }
        try {
            return (Integer) GET_THREADS.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read PyTorch's intra-op threads", e);
        }
    }

    /**
     * @return whether the calling thread records autograd graphs on PyTorch (false on other
     *     engines)
     */
    public static boolean recordsGradients() {
        if (IS_GRAD_MODE == null) {
            return false;
        }
        try {
            return (Boolean) IS_GRAD_MODE.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read PyTorch's grad mode", e);
        }
    }
}
