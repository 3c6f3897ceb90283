package ai.mlpzoo.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.common.HookPoint;
import java.util.function.BinaryOperator;

/**
 * Records the input and output at a named {@link HookPoint} of a model while open, and optionally
 * replaces the output (an SAE's reconstruction or a transcoder's prediction spliced in). The blocks
 * declare their hook points and pass their values through them; a capture attaches a listener to
 * one and {@link #close()} detaches it, so the model itself (its children, fields and parameter
 * names) is never changed. DJL's own {@code SequentialBlock}, which declares no hook points, has
 * its children reachable too: they are named by position and wrapped through SequentialBlock's
 * public API while the capture is open.
 *
 * <pre>
 * try (Capture c = Capture.install(mixer, "blocks.3.mlp_channels")) {
 *     mixer.forward(ps, new NDList(images), false);
 *     NDArray in = c.input();   // (batch, tokens, dim)
 *     NDArray out = c.output(); // (batch, tokens, dim)
 * }
 * </pre>
 *
 * <p>A listener acts on every forward pass of the model while open, from any predictor: open a
 * capture for the span of one analysis, on a model no request is being served from.
 */
public final class Capture implements AutoCloseable {

    private final String path;
    private final BinaryOperator<NDArray> replace;
    private final HookPoint.Listener listener = this::onForward;
    private Runnable undo;
    private NDArray lastInput;
    private NDArray lastOutput;

    private Capture(String path, BinaryOperator<NDArray> replace) {
        this.path = path;
        this.replace = replace;
    }

    /**
     * Starts recording at a hook point.
     *
     * @param root the model
     * @param path the hook point, such as {@code blocks.0} or {@code blocks.0.mlp_channels}
     * @return the open capture; close it to detach
     * @throws IllegalArgumentException listing the model's hook points when there is no such one
     */
    public static Capture install(Block root, String path) {
        return splice(root, path, null);
    }

    /**
     * Starts recording at a hook point and replaces its output, e.g. by an SAE's reconstruction or
     * a transcoder's prediction, to measure what the model loses with it.
     *
     * @param root the model
     * @param path the hook point
     * @param replace (input, output) to the array the rest of the model sees, or null to only
     *     record
     * @return the open capture; close it to detach
     * @throws IllegalArgumentException listing the model's hook points when there is no such one
     */
    public static Capture splice(Block root, String path, BinaryOperator<NDArray> replace) {
        Capture c = new Capture(path, replace);
        HookPoint point = HookPoints.declared(root).get(path);
        if (point != null) {
            point.attach(c.listener);
            c.undo = () -> point.detach(c.listener);
        } else {
            c.undo = HookPoints.wrapSequentialChild(root, path, c.listener);
        }
        return c;
    }

    private NDArray onForward(NDArray input, NDArray output) {
        lastInput = input;
        lastOutput = output;
        return replace == null ? output : replace.apply(input, output);
    }

    /**
     * @return the hook point's name
     */
    public String path() {
        return path;
    }

    /**
     * @return the input at the hook point in the latest forward pass
     */
    public NDArray input() {
        return require(lastInput);
    }

    /**
     * @return the output at the hook point in the latest forward pass (before any replacement)
     */
    public NDArray output() {
        return require(lastOutput);
    }

    private NDArray require(NDArray a) {
        if (a == null) {
            throw new IllegalStateException(
                    "hook point '" + path + "' has not run yet: run a forward pass first");
        }
        return a;
    }

    /** Detaches from the hook point; the model runs as if never observed. */
    @Override
    public void close() {
        if (undo != null) {
            undo.run();
            undo = null;
        }
    }
}
