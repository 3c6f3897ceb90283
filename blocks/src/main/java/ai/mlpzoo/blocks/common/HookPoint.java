package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named point in a block's forward pass where an activation can be read or replaced, as
 * TransformerLens' and SAELens' {@code HookPoint}: the block holds one per point as a field and
 * passes the value through it ({@code y = hookMlp.apply(x, mlp.forward(x))}). With no listener
 * {@link #apply} returns its output argument unchanged, so a model nobody observes pays one field
 * read per point.
 *
 * <p>A hook point is deliberately not a DJL {@link Block} and never a child: parameter files are
 * positional and every child, even one without parameters, writes a version byte and metadata into
 * them, so adding one would break every saved model.
 *
 * <p>Blocks declare their points through {@link Owner}; {@link #allIn(Block)} names every point of
 * a model by its dotted state-dict-style path ({@code blocks.4}, {@code blocks.4.mlp_channels}).
 * Listeners act on every forward pass of the block, whichever predictor runs it: attach them for
 * the span of an analysis and remove them after (capture does this with try-with-resources).
 */
public final class HookPoint {

    /** Sees the value passing a hook point and returns what the rest of the model gets. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called on each forward pass through the point.
         *
         * @param input the input of the computation the point closes (for a point around a
         *     sub-block, that sub-block's input; for a point on a single value, the value)
         * @param output the value at the point
         * @return the value the rest of the forward pass uses: {@code output} to observe only,
         *     another array of the same shape to splice in
         */
        NDArray onForward(NDArray input, NDArray output);
    }

    /**
     * A block that declares hook points. Points named after one of its children ({@code
     * mlp_channels}) sit on that child's output; the model-wide names put the block's own path in
     * front ({@code blocks.4.mlp_channels}).
     */
    public interface Owner {
        /**
         * @return the hook points this block itself applies, in forward order
         */
        List<HookPoint> hookPoints();
    }

    private static final Listener[] NONE = new Listener[0];

    /**
     * Listeners attached over every hook point of the JVM: while any is, forward passes keep their
     * intermediates alive (a listener may hold one), see {@link #anyAttached()}.
     */
    private static final java.util.concurrent.atomic.AtomicInteger ATTACHED =
            new java.util.concurrent.atomic.AtomicInteger();

    private final String name;
    // copy-on-write: forward passes read it without a lock, attach and detach replace it
    private volatile Listener[] listeners = NONE;

    /**
     * Creates a hook point.
     *
     * @param name its name within the declaring block, such as {@code mlp_channels} or {@code
     *     blocks.3}
     */
    public HookPoint(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a hook point needs a name");
        }
        this.name = name;
    }

    /**
     * @return the name within the declaring block
     */
    public String name() {
        return name;
    }

    /**
     * Passes a sub-block's result through the point.
     *
     * @param input the sub-block's input
     * @param output the sub-block's output
     * @return {@code output} when nothing listens, else what the listeners return, in the order
     *     they were attached (each sees the previous one's result)
     */
    public NDArray apply(NDArray input, NDArray output) {
        Listener[] ls = listeners;
        NDArray y = output;
        for (Listener l : ls) {
            y = l.onForward(input, y);
        }
        return y;
    }

    /**
     * Passes a single value (a residual stream, say) through the point.
     *
     * @param x the value, which listeners see as both input and output
     * @return {@code x} when nothing listens, else what the listeners return
     */
    public NDArray apply(NDArray x) {
        return apply(x, x);
    }

    /**
     * Attaches a listener to every later forward pass.
     *
     * @param listener the listener
     */
    public synchronized void attach(Listener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        Listener[] ls = Arrays.copyOf(listeners, listeners.length + 1);
        ls[ls.length - 1] = listener;
        listeners = ls;
        ATTACHED.incrementAndGet();
    }

    /**
     * Removes a listener (the same object that was attached); unknown ones are ignored.
     *
     * @param listener the listener
     */
    public synchronized void detach(Listener listener) {
        List<Listener> ls = new ArrayList<>(Arrays.asList(listeners));
        if (ls.remove(listener)) {
            listeners = ls.isEmpty() ? NONE : ls.toArray(NONE);
            ATTACHED.decrementAndGet();
        }
    }

    /**
     * Whether a listener is attached to any hook point of this JVM. Forward passes that free their
     * intermediates as they go (inference) do so only when none is: a listener may keep an array
     * from inside a block.
     *
     * @return true while any listener is attached anywhere
     */
    public static boolean anyAttached() {
        return ATTACHED.get() > 0;
    }

    /**
     * @return whether any listener is attached
     */
    public boolean hasListeners() {
        return listeners.length > 0;
    }

    /**
     * Every hook point of a block tree under its dotted name, depth first in forward order: a point
     * named after a child comes where that child does, before the child's own points. Children are
     * named as in the parameter names (DJL's position prefix dropped).
     *
     * @param root the model
     * @return the points by name
     */
    public static Map<String, HookPoint> allIn(Block root) {
        Map<String, HookPoint> out = new LinkedHashMap<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, HookPoint> out) {
        Map<String, HookPoint> own = new LinkedHashMap<>();
        if (block instanceof Owner) {
            for (HookPoint p : ((Owner) block).hookPoints()) {
                own.put(p.name(), p);
            }
        }
        int i = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            String name = NamedParameters.childName(child.getKey(), ++i);
            HookPoint p = own.remove(name);
            if (p != null) {
                out.put(prefix + name, p);
            }
            collect(child.getValue(), prefix + name + ".", out);
        }
        // points on values rather than children (a residual stream, say)
        own.forEach((name, p) -> out.put(prefix + name, p));
    }

    @Override
    public String toString() {
        return "HookPoint("
                + name
                + (hasListeners() ? ", " + listeners.length + " listener(s))" : ")");
    }
}
