package ai.mlpzoo.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;

/**
 * What an {@link Emitter} sees while it writes its block: the graph, the block's parameters as
 * initialisers named by {@link NamedParameters} (the reference state-dict keys), its children, and
 * helpers that add one named node each.
 */
public final class ExportContext {

    private final OnnxGraph graph;
    private final Map<Parameter, String> names = new IdentityHashMap<>();
    private final Map<Parameter, String> emitted = new IdentityHashMap<>();

    ExportContext(OnnxGraph graph, Block root) {
        this.graph = graph;
        NamedParameters.of(root).forEach((name, p) -> names.put(p, name));
    }

    /**
     * @return the graph being built
     */
    public OnnxGraph graph() {
        return graph;
    }

    /**
     * Emits a block through its registered emitter.
     *
     * @param block the block
     * @param path its dotted path ("" for the root)
     * @param input the input value
     * @return the block's outputs, in the order of its forward's NDList
     * @throws UnsupportedBlockException if no emitter is registered for the block's exact class
     */
    public List<String> emit(Block block, String path, String input) {
        Emitter<Block> e = Emitters.find(block);
        if (e == null) {
            throw new UnsupportedBlockException(
                    block.getClass().getName(),
                    path,
                    "no ONNX emitter is registered for this block class (known: "
                            + Emitters.known()
                            + ")");
        }
        return e.emit(this, block, path, input);
    }

    /**
     * Emits a one-output block.
     *
     * @param block the block
     * @param path its path
     * @param input the input value
     * @return its output value
     */
    public String emit1(Block block, String path, String input) {
        return emit(block, path, input).get(0);
    }

    /**
     * Emits the named child of {@code parent}.
     *
     * @param parent the parent block
     * @param path the parent's path
     * @param child the child's name (as the state-dict key, e.g. {@code mlp_tokens})
     * @param input the input value
     * @return the child's first output
     */
    public String child(Block parent, String path, String child, String input) {
        return emit1(requireChild(parent, path, child), join(path, child), input);
    }

    /**
     * Finds a child by its state-dict name.
     *
     * @param parent the parent
     * @param name the child name without DJL's position prefix
     * @return the child, or null when absent
     */
    public static Block findChild(Block parent, String name) {
        int i = 0;
        for (Pair<String, Block> c : parent.getChildren()) {
            if (NamedParameters.childName(c.getKey(), ++i).equals(name)) {
                return c.getValue();
            }
        }
        return null;
    }

    /**
     * Finds a child that must exist.
     *
     * @param parent the parent
     * @param path the parent's path, for the message
     * @param name the child name
     * @return the child
     */
    public Block requireChild(Block parent, String path, String name) {
        Block b = findChild(parent, name);
        if (b == null) {
            throw new UnsupportedBlockException(
                    parent.getClass().getName(), path, "it has no child named " + name);
        }
        return b;
    }

    /**
     * A direct parameter of a block, as an initialiser (added once).
     *
     * @param block the block
     * @param path its path, for the message
     * @param name the parameter's DJL name
     * @return the initialiser name
     */
    public String param(Block block, String path, String name) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getKey().equals(name)) {
                return param(p.getValue());
            }
        }
        throw new UnsupportedBlockException(
                block.getClass().getName(), path, "it has no parameter named " + name);
    }

    /**
     * Whether a block has a direct parameter.
     *
     * @param block the block
     * @param name the DJL name
     * @return true if present
     */
    public static boolean hasParam(Block block, String name) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getKey().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A parameter as an initialiser named by its state-dict key (added once).
     *
     * @param p the parameter
     * @return the initialiser name
     */
    public String param(Parameter p) {
        String done = emitted.get(p);
        if (done != null) {
            return done;
        }
        if (!p.isInitialized()) {
            throw new IllegalStateException(
                    "parameter "
                            + p.getName()
                            + " is not initialised: load or initialise the model first");
        }
        String name = names.getOrDefault(p, p.getName());
        NDArray a = p.getArray();
        float[] data =
                a.getDataType() == DataType.FLOAT32
                        ? a.toFloatArray()
                        : a.toType(DataType.FLOAT32, false).toFloatArray();
        String n = graph.initializer(name, data, a.getShape().getShape());
        emitted.put(p, n);
        return n;
    }

    /**
     * The values of a parameter.
     *
     * @param block the block
     * @param path its path
     * @param name the DJL name
     * @return its data, row-major
     */
    public float[] values(Block block, String path, String name) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getKey().equals(name)) {
                return p.getValue().getArray().toType(DataType.FLOAT32, false).toFloatArray();
            }
        }
        throw new UnsupportedBlockException(
                block.getClass().getName(), path, "it has no parameter named " + name);
    }

    /**
     * Joins a parent path and a child name.
     *
     * @param path the parent path
     * @param name the child name
     * @return the dotted path
     */
    public static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String nodeName(String path, String label) {
        return path.isEmpty() ? label : path + "/" + label;
    }

    /**
     * Adds a node named {@code path/label}.
     *
     * @param path the block path
     * @param label the node label
     * @param op the operator
     * @param inputs the inputs
     * @return the output
     */
    public String op(String path, String label, String op, String... inputs) {
        return graph.node(op, nodeName(path, label), Arrays.asList(inputs));
    }

    /**
     * Adds a node with attributes.
     *
     * @param path the block path
     * @param label the node label
     * @param op the operator
     * @param attrs the attributes
     * @param inputs the inputs
     * @return the output
     */
    public String op(
            String path, String label, String op, AttributeProto[] attrs, String... inputs) {
        return graph.node(op, nodeName(path, label), Arrays.asList(inputs), attrs);
    }

    /**
     * Adds a node with several outputs.
     *
     * @param path the block path
     * @param label the node label
     * @param op the operator
     * @param outputs the output count
     * @param attrs the attributes
     * @param inputs the inputs
     * @return the outputs
     */
    public String[] opN(
            String path,
            String label,
            String op,
            int outputs,
            AttributeProto[] attrs,
            String... inputs) {
        List<String> in = new ArrayList<>(Arrays.asList(inputs));
        return graph.nodeN(op, nodeName(path, label), outputs, in, attrs);
    }

    /**
     * {@code x W^T + b}, DJL's Linear on the last axis.
     *
     * @param path the path of the linear layer (its parameters are {@code path.weight/bias})
     * @param x the input
     * @param weight the (out, in) weight initialiser
     * @param bias the bias initialiser, or null
     * @return the output
     */
    public String linear(String path, String x, String weight, String bias) {
        String wt =
                op(
                        path,
                        "weight.T",
                        "Transpose",
                        new AttributeProto[] {OnnxGraph.attrs("perm", 1, 0)},
                        weight);
        String y = op(path, "MatMul", "MatMul", x, wt);
        return bias == null ? y : op(path, "Add", "Add", y, bias);
    }

    /**
     * GELU in its exact erf form, {@code 0.5 x (1 + erf(x / sqrt 2))}.
     *
     * @param path the path
     * @param x the input
     * @return the output
     */
    public String gelu(String path, String x) {
        String scaled = op(path, "gelu.div", "Div", x, graph.scalar((float) Math.sqrt(2.0)));
        String erf = op(path, "gelu.erf", "Erf", scaled);
        String one = op(path, "gelu.add", "Add", erf, graph.scalar(1f));
        String half = op(path, "gelu.mul", "Mul", x, graph.scalar(0.5f));
        return op(path, "gelu", "Mul", half, one);
    }

    /**
     * {@code x * sigmoid(x)}.
     *
     * @param path the path
     * @param x the input
     * @return the output
     */
    public String silu(String path, String x) {
        return op(path, "silu", "Mul", x, op(path, "silu.sigmoid", "Sigmoid", x));
    }

    /**
     * Swaps the last two axes of a rank-3 value.
     *
     * @param path the path
     * @param label the label
     * @param x the input
     * @return the output
     */
    public String transpose021(String path, String label, String x) {
        return op(
                path,
                label,
                "Transpose",
                new AttributeProto[] {OnnxGraph.attrs("perm", 0, 2, 1)},
                x);
    }

    /**
     * Reshapes {@code (..., a)} to {@code (-1, a)}.
     *
     * @param path the path
     * @param x the input
     * @param last the last-axis width
     * @return the output
     */
    public String flatten(String path, String x, long last) {
        return op(path, "flatten", "Reshape", x, graph.ints(-1, last));
    }

    /**
     * Reshapes a flat {@code (N, k)} value back to the leading axes of {@code like} plus {@code k}.
     *
     * @param path the path
     * @param label the label
     * @param flat the flat value
     * @param like the value whose leading axes to restore
     * @param last the new last axis
     * @return the output
     */
    public String unflatten(String path, String label, String flat, String like, long last) {
        String shape = op(path, label + ".shape", "Shape", like);
        String lead =
                op(
                        path,
                        label + ".lead",
                        "Slice",
                        shape,
                        graph.ints(0),
                        graph.ints(-1),
                        graph.ints(0));
        String target =
                op(
                        path,
                        label + ".target",
                        "Concat",
                        new AttributeProto[] {OnnxGraph.attr("axis", 0L)},
                        lead,
                        graph.ints(last));
        return op(path, label, "Reshape", flat, target);
    }
}
