package ai.mlpzoo.blocks.common;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a block tree under PyTorch-style dotted names ({@code blocks.0.norm1.weight}),
 * in file order. DJL prefixes each child's name with its position ({@code 01stem}); the prefix is
 * stripped, and LayerNorm's gamma and beta are called weight and bias as in PyTorch. Our blocks
 * name their children after the reference implementation, so these names are the reference's
 * state-dict keys.
 */
public final class NamedParameters {

    private NamedParameters() {}

    /**
     * Lists the parameters of {@code block} and its descendants.
     *
     * @param block the root block
     * @return the parameters by dotted name, in the order the parameter file stores them
     */
    public static Map<String, Parameter> of(Block block) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(block, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + paramName(block, p.getKey()), p.getValue());
        }
        int i = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            collect(child.getValue(), prefix + childName(child.getKey(), ++i) + ".", out);
        }
    }

    /**
     * A child's name without the position prefix DJL gives it ({@code 01stem} is {@code stem}).
     *
     * @param key the child's key in {@link Block#getChildren()}
     * @param position its position there, counted from 1
     * @return the name the block gave the child
     */
    public static String childName(String key, int position) {
        String prefix = String.format(Locale.ROOT, "%02d", position);
        return key.startsWith(prefix) ? key.substring(prefix.length()) : key;
    }

    private static String paramName(Block block, String name) {
        if (block instanceof LayerNorm) {
            if ("gamma".equals(name)) {
                return "weight";
            }
            if ("beta".equals(name)) {
                return "bias";
            }
        }
        return name;
    }

    /**
     * Counts the elements of every parameter whose shape is known.
     *
     * @param block an initialised block
     * @return the number of trainable scalars
     */
    public static long count(Block block) {
        long n = 0;
        for (Parameter p : of(block).values()) {
            if (p.getShape() == null) {
                throw new IllegalStateException(
                        "parameter " + p.getName() + " has no shape: initialise the block first");
            }
            n += p.getShape().size();
        }
        return n;
    }
}
