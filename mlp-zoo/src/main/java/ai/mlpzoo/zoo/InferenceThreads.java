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

    private static final Method IS_GRAD_MODE;
    private static final Method SET_GRAD_MODE;

    static {
        Method is = null;
        Method set = null;
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            is = jni.getMethod("isGradMode");
            set = jni.getMethod("setGradMode", boolean.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            // no PyTorch engine on the classpath: nothing records gradients
        }
        IS_GRAD_MODE = is;
        SET_GRAD_MODE = set;
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
