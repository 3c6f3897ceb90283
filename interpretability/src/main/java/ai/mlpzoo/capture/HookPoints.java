package ai.mlpzoo.capture;

import ai.djl.nn.Block;
import ai.djl.util.Pair;
import ai.mlpzoo.blocks.common.NamedParameters;

import java.util.ArrayList;
import java.util.List;

/**
 * Names the sub-blocks of a block tree as PyTorch does ({@code blocks.1.mlp_channels}): DJL's
 * positional prefix of each child's key ({@code 02blocks.1}) is dropped, as in the parameter names.
 * A path segment may also be a child's raw DJL key ({@code 02Linear}) or its 0-based position,
 * which tells apart the equally named children of a SequentialBlock.
 */
public final class HookPoints {

    private HookPoints() {}

    /** A resolved hook point: the sub-block, its parent and its index among the parent's children. */
    record Location(Block parent, int index, Block block) {}

    /**
     * Lists every hook point of a tree, depth first.
     *
     * @param root the root block
     * @return the dotted names
     */
    public static List<String> names(Block root) {
        List<String> out = new ArrayList<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, List<String> out) {
        int i = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            String name = prefix + NamedParameters.childName(child.getKey(), ++i);
            out.add(name);
            collect(child.getValue(), name + ".", out);
        }
    }

    /**
     * Finds a sub-block.
     *
     * @param root the root block
     * @param path the dotted name
     * @return the sub-block
     * @throws IllegalArgumentException listing the hook points when there is none of that name
     */
    public static Block find(Block root, String path) {
        return locate(root, path).block();
    }

    static Location locate(Block root, String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("hook point name is empty");
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
                for (String name : new String[] {NamedParameters.childName(child.getKey(), i + 1), child.getKey(), Integer.toString(i)}) {
                    boolean match = rest.equals(name) || rest.startsWith(name + ".");
                    if (match && name.length() > bestLen) {
                        best = i;
                        bestLen = name.length();
                    }
                }
                i++;
            }
            if (best < 0) {
                throw new IllegalArgumentException(
                        "no hook point '" + path + "'; the model has: " + summarise(names(root)));
            }
            parent = current;
            index = best;
            current = current.getChildren().valueAt(best);
            rest = rest.length() == bestLen ? "" : rest.substring(bestLen + 1);
        }
        return new Location(parent, index, current);
    }

    private static String summarise(List<String> names) {
        int shown = Math.min(names.size(), 20);
        String list = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? list + " and " + (names.size() - shown) + " more" : list;
    }
}
