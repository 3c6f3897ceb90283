package ai.mlpzoo.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the input and output of a named sub-block (a hook point) of any DJL block tree while
 * open: the sub-block is swapped for a {@link Hook} in its parent's child list and in every field
 * of the parent that refers to it (DJL blocks call their children through fields, as our Mixer
 * does, or through the child list, as SequentialBlock does). {@link #close()} puts the original
 * back, so parameter names and saved files are never affected.
 *
 * <pre>
 * try (Capture c = Capture.install(mixer, "blocks.3.mlp_channels")) {
 *     mixer.forward(ps, new NDList(images), false);
 *     NDArray in = c.input();   // (batch, tokens, dim)
 *     NDArray out = c.output(); // (batch, tokens, dim)
 * }
 * </pre>
 */
public final class Capture implements AutoCloseable {

    private final Block parent;
    private final Hook hook;
    private final int index;
    private final List<Runnable> undo = new ArrayList<>();
    private final String path;

    private Capture(HookPoints.Location at, String path, java.util.function.BinaryOperator<NDArray> replace) {
        this.parent = at.parent();
        this.index = at.index();
        this.hook = new Hook(at.block(), replace);
        this.path = path;
    }

    /**
     * Installs a hook at a named sub-block.
     *
     * @param root the model
     * @param path the hook point, such as {@code blocks.0} or {@code blocks.0.mlp_channels}
     * @return the open capture; close it to restore the model
     * @throws IllegalArgumentException when there is no such hook point or it cannot be swapped
     */
    public static Capture install(Block root, String path) {
        return splice(root, path, null);
    }

    /**
     * Installs a hook that also replaces the sub-block's output, e.g. by an SAE's reconstruction
     * or a transcoder's prediction, to measure what the model loses with it.
     *
     * @param root the model
     * @param path the hook point
     * @param replace (input, output) to the array the rest of the model sees, or null
     * @return the open capture; close it to restore the model
     */
    public static Capture splice(Block root, String path, java.util.function.BinaryOperator<NDArray> replace) {
        HookPoints.Location at = HookPoints.locate(root, path);
        if (!(at.parent() instanceof AbstractBlock)) {
            throw new IllegalArgumentException(
                    "cannot hook '" + path + "': its parent " + at.parent().getClass().getName() + " is not an AbstractBlock");
        }
        Capture c = new Capture(at, path, replace);
        c.swap();
        return c;
    }

    /** @return the hook point's name */
    public String path() {
        return path;
    }

    /** @return the sub-block's input in the latest forward pass */
    public NDArray input() {
        return require(hook.lastInput());
    }

    /** @return the sub-block's output in the latest forward pass */
    public NDArray output() {
        return require(hook.lastOutput());
    }

    private NDArray require(NDArray a) {
        if (a == null) {
            throw new IllegalStateException("hook point '" + path + "' has not run yet: run a forward pass first");
        }
        return a;
    }

    private void swap() {
        Block original = hook.original();
        try {
            Field childrenField = AbstractBlock.class.getDeclaredField("children");
            childrenField.setAccessible(true);
            BlockList children = (BlockList) childrenField.get(parent);
            String key = children.keyAt(index);
            children.remove(index);
            children.add(index, key, hook);
            undo.add(() -> {
                children.remove(index);
                children.add(index, key, original);
            });
            for (Class<?> c = parent.getClass(); c != AbstractBlock.class && c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        swapField(f, original);
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            close();
            throw new IllegalArgumentException("cannot hook '" + path + "': " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private void swapField(Field f, Block original) throws IllegalAccessException {
        f.setAccessible(true);
        Object value = f.get(parent);
        if (value == original) {
            if (!f.getType().isAssignableFrom(Hook.class)) {
                throw new IllegalArgumentException(parent.getClass().getSimpleName() + "." + f.getName() + " is typed "
                        + f.getType().getSimpleName() + ", so a hook cannot stand in for it; type the field as Block");
            }
            f.set(parent, hook);
            undo.add(() -> set(f, original));
        } else if (value instanceof List) {
            List<Object> list = (List<Object>) value;
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == original) {
                    int at = i;
                    list.set(at, hook);
                    undo.add(() -> list.set(at, original));
                }
            }
        }
    }

    private void set(Field f, Object value) {
        try {
            f.set(parent, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Restores the original sub-block. */
    @Override
    public void close() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            undo.get(i).run();
        }
        undo.clear();
    }
}
