package ai.mlpzoo.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.capture.HookPoints;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One listener per hook point of a shared model, recording each thread's own value. {@link
 * ai.mlpzoo.capture.Capture} records the latest forward pass of any thread: on an executor the
 * model is shared by the tasks running at once (one per core), so a task would read another's
 * activations. A tap records the value only on the threads that {@link #arm() armed} it, in a
 * thread-local slot, and is attached while at least one task uses it (the count of {@link #open}
 * and {@link #release}), so the model runs unobserved again after the capture.
 */
final class HookTap implements HookPoint.Listener {

    private static final Map<HookPoint, HookTap> TAPS = new IdentityHashMap<>();

    private final HookPoint point;
    private final ThreadLocal<NDArray[]> slot = new ThreadLocal<>();
    private int users;

    private HookTap(HookPoint point) {
        this.point = point;
    }

    /**
     * @param root the model
     * @param hook the hook point's name
     * @return the tap of that point, attached until {@link #release()}
     * @throws IllegalArgumentException listing the model's hook points when there is no such one
     */
    static HookTap open(Block root, String hook) {
        HookPoints.require(root, hook);
        HookPoint point = HookPoints.declared(root).get(hook);
        if (point == null) {
            throw new IllegalArgumentException(
                    "hook point '"
                            + hook
                            + "' is a child of a SequentialBlock, which declares no hook points;"
                            + " capture on Spark reads declared points (MiniLM's blocks.i.*)");
        }
        synchronized (TAPS) {
            HookTap tap = TAPS.computeIfAbsent(point, HookTap::new);
            if (tap.users++ == 0) {
                point.attach(tap);
            }
            return tap;
        }
    }

    /** One user fewer; the last detaches the listener. */
    void release() {
        synchronized (TAPS) {
            if (--users == 0) {
                point.detach(this);
                TAPS.remove(point);
            }
        }
    }

    /** Records the next forward pass of this thread. */
    void arm() {
        slot.set(new NDArray[1]);
    }

    /**
     * @return the value this thread's forward pass gave the point since {@link #arm()}; disarms
     */
    NDArray take() {
        NDArray[] s = slot.get();
        slot.remove();
        if (s == null || s[0] == null) {
            throw new IllegalStateException(
                    "hook point " + point.name() + " did not run in this forward pass");
        }
        return s[0];
    }

    @Override
    public NDArray onForward(NDArray input, NDArray output) {
        NDArray[] s = slot.get();
        if (s != null) {
            s[0] = output;
        }
        return output;
    }
}
