package ai.mlpzoo.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets a long native loop stop cleanly on SIGTERM or Ctrl-C. Without it the JVM's exit runs
 * libtorch's static destructors while the loop's thread is still inside a native call (a backward
 * pass), and the process dies with a SIGSEGV in libtorch instead of exiting. The shutdown hook asks
 * the loop to stop and waits until the loop, at its next {@link #checkpoint}, has parked itself
 * outside native code.
 */
public final class ShutdownGuard implements AutoCloseable {

    /** How long the exit waits for the loop to reach a safe point. */
    private static final long WAIT_SECONDS = 60;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch parked = new CountDownLatch(1);
    private final Thread hook;

    /** Registers the shutdown hook; close the guard when the loop ends. */
    public ShutdownGuard() {
        hook =
                new Thread(
                        () -> {
                            requested.set(true);
                            try {
                                parked.await(WAIT_SECONDS, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "mlpzoo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * @return whether the JVM is shutting down
     */
    public boolean stopRequested() {
        return requested.get();
    }

    /**
     * Called by the loop between native calls: when the JVM is shutting down, reports and parks the
     * calling thread for good (the exit then completes), else returns at once.
     *
     * @param report what to tell the user, e.g. where to resume from; may be null
     */
    public void checkpoint(Runnable report) {
        if (!requested.get()) {
            return;
        }
        if (report != null) {
            report.run();
        }
        parked.countDown();
        while (true) {
            LockSupport.park(this);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook has run
        }
    }
}
