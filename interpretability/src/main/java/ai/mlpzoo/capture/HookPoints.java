package ai.mlpzoo.capture;

import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hook points of a model by name. Our blocks declare theirs ({@link HookPoint.Owner}) and
 * {@link HookPoint#allIn} names them as PyTorch names modules ({@code blocks.1.mlp_channels}: the
 * path of child names, DJL's position prefix dropped, as in the parameter names). The children of
 * DJL's {@code SequentialBlock}, which declares none, are hook points too, listed by their 0-based
 * position; a path segment there may also be the child's name or raw DJL key ({@code 02Linear}). No
 * reflection: only the blocks' public API is read.
 */
public final class HookPoints {

    private HookPoints() {}

    /** A resolved sub-block: its parent, its index among the parent's children, and itself. */
    record Location(Block parent, int index, Block block) {}

    /**
     * Lists every hook point of a model, depth first in forward order.
     *
     * @param root the model
     * @return the dotted names
     */
    public static List<String> names(Block root) {
        List<String> out = new ArrayList<>();
        Map<String, HookPoint> declared = HookPoint.allIn(root);
        collect(root, "", declared, out);
        // declared points not named after a child (values such as a residual stream)
        for (String name : declared.keySet()) {
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private static void collect(
            Block block, String prefix, Map<String, HookPoint> declared, List<String> out) {
        boolean sequential = block.getClass() == SequentialBlock.class;
        int i = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            String name = prefix + NamedParameters.childName(child.getKey(), ++i);
            if (declared.containsKey(name)) {
                out.add(name);
            } else if (sequential) {
                out.add(prefix + (i - 1));
            }
            collect(child.getValue(), name + ".", declared, out);
        }
    }

    /**
     * The points the model's blocks declare.
     *
     * @param root the model
     * @return the points by name
     */
    public static Map<String, HookPoint> declared(Block root) {
        return HookPoint.allIn(root);
    }

    /**
     * Fails unless the model has a hook point of that name.
     *
     * @param root the model
     * @param path the hook point
     * @throws IllegalArgumentException listing the model's hook points
     */
    public static void require(Block root, String path) {
        if (!declared(root).containsKey(path)) {
            sequentialChild(root, path);
        }
    }

    /**
     * Finds the sub-block at a path of child names (a hook point named after a child sits on that
     * child's output).
     *
     * @param root the root block
     * @param path the dotted name
     * @return the sub-block
     * @throws IllegalArgumentException listing the hook points when there is no such sub-block
     */
    public static Block find(Block root, String path) {
        return locate(root, path).block();
    }

    /**
     * Puts a {@link Hook} in place of a SequentialBlock's child, through SequentialBlock's public
     * API: the children from that position on are removed and added back, the hook first. Their
     * keys ({@code NNClassName}) come out as before, since SequentialBlock names children by
     * position and class.
     *
     * @return what puts the original child back
     */
    static Runnable wrapSequentialChild(Block root, String path, HookPoint.Listener listener) {
        Location at = sequentialChild(root, path);
        SequentialBlock seq = (SequentialBlock) at.parent();
        BlockList before = seq.getChildren();
        List<Block> tail = new ArrayList<>();
        for (int i = at.index(); i < before.size(); i++) {
            tail.add(before.valueAt(i));
        }
        replaceTail(seq, at.index(), tail.size(), new Hook(at.block(), listener), tail);
        return () -> replaceTail(seq, at.index(), tail.size(), at.block(), tail);
    }

    private static void replaceTail(
            SequentialBlock seq, int from, int count, Block first, List<Block> tail) {
        for (int i = 0; i < count; i++) {
            seq.removeLastBlock();
        }
        seq.add(first);
        for (Block b : tail.subList(1, tail.size())) {
            seq.add(b);
        }
        if (seq.getChildren().size() != from + count) {
            throw new IllegalStateException(
                    "SequentialBlock changed size while hooking position " + from);
        }
    }

    private static Location sequentialChild(Block root, String path) {
        Location at = locate(root, path);
        if (at.parent() == null || at.parent().getClass() != SequentialBlock.class) {
            throw unknown(root, path);
        }
        return at;
    }

    static Location locate(Block root, String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException(
                    "hook point name is empty; the model has: " + String.join(", ", names(root)));
        }
        Block parent = null;
        Block current = root;
        int index = -1;
        String rest = path;
        while (!rest.isEmpty()) {
            int best = -1;
            int bestLen = -1;
            int i = 0;
            for (Pair<String, Block> child : current.getChildren()) {
                for (String name :
                        new String[] {
                            NamedParameters.childName(child.getKey(), i + 1),
                            child.getKey(),
                            Integer.toString(i)
                        }) {
                    boolean match = rest.equals(name) || rest.startsWith(name + ".");
                    if (match && name.length() > bestLen) {
                        best = i;
                        bestLen = name.length();
                    }
                }
                i++;
            }
            if (best < 0) {
                throw unknown(root, path);
            }
            parent = current;
            index = best;
            current = current.getChildren().valueAt(best);
            rest = rest.length() == bestLen ? "" : rest.substring(bestLen + 1);
        }
        return new Location(parent, index, current);
    }

    private static IllegalArgumentException unknown(Block root, String path) {
        return new IllegalArgumentException(
                "no hook point '" + path + "'; the model has: " + String.join(", ", names(root)));
    }
}
