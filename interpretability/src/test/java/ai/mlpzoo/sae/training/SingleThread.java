package ai.mlpzoo.sae.training;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one PyTorch intra-op thread, restoring the previous count after: on a
 * small shared machine the training tests ran several times faster this way (the thread pool mostly
 * waits for cores that other processes hold).
 */
public final class SingleThread implements BeforeAllCallback, AfterAllCallback {

    private int previous;

    @Override
    public void beforeAll(ExtensionContext context) {
        Engine.getInstance(); // loads the native library
        previous = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        JniUtils.setNumThreads(previous);
    }
}
