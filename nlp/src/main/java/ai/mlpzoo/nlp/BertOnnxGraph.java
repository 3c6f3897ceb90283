package ai.mlpzoo.nlp;

import ai.mlpzoo.blocks.bert.BertConfig;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;

/**
 * Reads a BERT encoder's weights out of an ONNX file (a Hugging Face {@code BertModel} exported by
 * {@code torch.onnx}, such as sentence-transformers' all-MiniLM-L6-v2) by walking its graph from
 * the inputs: the word-embedding table is what {@code input_ids} gathers from, each layer's query,
 * key and value are the three MatMuls reading the previous LayerNorm's output, told apart by where
 * they enter the attention product, and so on. Initialiser names are never trusted: exporters give
 * the matrices anonymous names ({@code onnx::MatMul_787}) and store them transposed (input by
 * output), which is what a MatMul reads.
 *
 * <p>LayerNorm is accepted as one {@code LayerNormalization} node (opset 17 and later) or as the
 * ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add chain older opsets export; GELU as one {@code
 * Gelu} node or the erf chain ({@code x * 0.5 * (1 + erf(x / sqrt 2))}). A graph that does not have
 * this shape is refused with an {@link IllegalArgumentException} naming the file and what was
 * expected where.
 */
public final class BertOnnxGraph {

    /** A float32 tensor read from the file, in our layout (DJL's Linear weights are (out, in)). */
    public record Tensor(float[] data, long[] shape) {}

    /**
     * What the graph holds.
     *
     * @param config the sizes read from the graph
     * @param parameters every parameter of a {@link ai.mlpzoo.blocks.bert.BertEncoder} by its
     *     dotted name ({@code blocks.0.attention.query.weight}), in our layout
     */
    public record Weights(BertConfig config, Map<String, Tensor> parameters) {}

    private final String source;
    private final GraphProto graph;
    private final Map<String, TensorProto> initialisers = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<String> inputs = new HashSet<>();
    private final Set<String> outputs = new HashSet<>();
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private double eps = Double.NaN;

    private BertOnnxGraph(ModelProto model, String source) {
        this.source = source;
        this.graph = model.getGraph();
        for (TensorProto t : graph.getInitializerList()) {
            initialisers.put(t.getName(), t);
        }
        for (ValueInfoProto v : graph.getInputList()) {
            if (!initialisers.containsKey(v.getName())) {
                inputs.add(v.getName());
            }
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            outputs.add(v.getName());
        }
        for (NodeProto n : graph.getNodeList()) {
            for (String o : n.getOutputList()) {
                producers.put(o, n);
            }
            for (String i : n.getInputList()) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
    }

    /**
     * Reads the weights.
     *
     * @param in the ONNX file's bytes (closed by the caller)
     * @param source the file's name, for messages
     * @return the sizes and the parameters
     * @throws IOException when the bytes are not an ONNX model
     * @throws IllegalArgumentException naming the file and what was expected when the graph is not
     *     a BERT encoder
     */
    public static Weights read(InputStream in, String source) throws IOException {
        ModelProto model;
        try {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE); // the default 64 MiB is less than BERT-base
            model = ModelProto.parseFrom(cis);
        } catch (IOException e) {
            throw new IOException(source + ": not an ONNX model: " + e.getMessage(), e);
        }
        return new BertOnnxGraph(model, source).walk();
    }

    private Weights walk() {
        for (String name : new String[] {"input_ids", "attention_mask", "token_type_ids"}) {
            if (!inputs.contains(name)) {
                throw refuse(
                        "graph inputs input_ids, attention_mask and token_type_ids (a BERT"
                                + " encoder)",
                        "inputs " + inputs);
            }
        }
        // embeddings: word + token type + position, summed, then LayerNorm
        NodeProto words = gatherFrom("input_ids", "the word embeddings");
        NodeProto types = gatherFrom("token_type_ids", "the token type embeddings");
        TensorProto wordTable = initialiser(words.getInput(0), "the word embeddings");
        TensorProto typeTable = initialiser(types.getInput(0), "the token type embeddings");
        int vocab = (int) wordTable.getDims(0);
        int hidden = (int) wordTable.getDims(1);
        String sum = words.getOutput(0);
        TensorProto positionTable = null;
        boolean typeAdded = false;
        NodeProto add;
        while ((add = consumer(sum, "Add")) != null) {
            String other = otherInput(add, sum);
            NodeProto g = producers.get(other);
            if (g == null || !g.getOpType().equals("Gather")) {
                throw refuse("the embeddings to be summed from Gathers", "an Add of " + other);
            }
            if (g == types) {
                typeAdded = true;
            } else {
                positionTable = initialiser(g.getInput(0), "the position embeddings");
                checkPositions(g.getInput(1));
            }
            sum = add.getOutput(0);
        }
        if (!typeAdded || positionTable == null) {
            throw refuse(
                    "word, token type and position embeddings added together",
                    typeAdded ? "no position embeddings" : "no token type embeddings added");
        }
        put("embeddings.word_embeddings", table(wordTable, vocab, hidden));
        put("embeddings.position_embeddings", table(positionTable, -1, hidden));
        put("embeddings.token_type_embeddings", table(typeTable, -1, hidden));
        String h = layerNorm(sum, "embeddings.norm", hidden, "the embeddings' LayerNorm");

        int heads = -1;
        int intermediate = -1;
        int layer = 0;
        while (!outputs.contains(h)) {
            String p = "blocks." + layer + ".";
            String what = "layer " + layer;
            List<NodeProto> projections = matMulsOf(h, hidden, hidden);
            if (projections.size() != 3) {
                throw refuse(
                        what
                                + ": three MatMuls (query, key, value) of "
                                + hidden
                                + "x"
                                + hidden
                                + " weights reading the previous LayerNorm, or the graph output",
                        projections.size() + " such MatMuls, and '" + h + "' is not an output");
            }
            Map<String, String> roles = new HashMap<>();
            NodeProto scores = null;
            NodeProto mixed = null;
            int layerHeads = -1;
            for (NodeProto mm : projections) {
                NodeProto bias = consumer(mm.getOutput(0), "Add");
                if (bias == null) {
                    throw refuse(what + ": a bias Add after " + mm.getName(), "none");
                }
                String value = bias.getOutput(0);
                // follow Reshape/Transpose to the MatMul that takes this projection
                String v = value;
                NodeProto next;
                int headsHere = -1;
                while ((next = followShape(v)) != null) {
                    if (next.getOpType().equals("Reshape")) {
                        headsHere = reshapeHeads(next.getInput(1), hidden, what);
                    }
                    v = next.getOutput(0);
                }
                NodeProto product = consumer(v, "MatMul");
                if (product == null) {
                    throw refuse(
                            what + ": the projection " + mm.getName() + " to reach a MatMul",
                            "none after its reshape");
                }
                if (headsHere > 0) {
                    layerHeads = headsHere;
                }
                NodeProto first = producers.get(product.getInput(0));
                String role;
                if (first != null && first.getOpType().equals("Softmax")) {
                    role = "value";
                    mixed = product;
                } else if (product.getInput(0).equals(v)) {
                    role = "query";
                    scores = product;
                } else {
                    role = "key";
                }
                if (roles.put(role, mm.getName()) != null) {
                    throw refuse(what + ": one query, one key and one value", "two " + role + "s");
                }
                put(p + "attention." + role + ".weight", linearWeight(mm, hidden, hidden));
                put(p + "attention." + role + ".bias", vector(bias, value, hidden, what));
            }
            if (scores == null || mixed == null || layerHeads <= 0) {
                throw refuse(
                        what + ": Q K^T, a softmax and its product with V, split into heads",
                        "roles " + roles.keySet());
            }
            if (heads > 0 && heads != layerHeads) {
                throw refuse("every layer with " + heads + " heads", what + " has " + layerHeads);
            }
            heads = layerHeads;
            checkScale(scores, hidden / heads, what);
            // the heads merged, projected, added to the layer input, normalised
            String z = mixed.getOutput(0);
            NodeProto next;
            while ((next = followShape(z)) != null) {
                z = next.getOutput(0);
            }
            List<NodeProto> outProj = matMulsOf(z, hidden, hidden);
            if (outProj.size() != 1) {
                throw refuse(what + ": the attention's output projection", outProj.size() + "");
            }
            String a = linear(outProj.get(0), p + "attention.output", hidden, hidden, what);
            String r = residual(a, h, what + ": the attention's residual Add");
            String h1 = layerNorm(r, p + "attention_norm", hidden, what + ": the first LayerNorm");
            // MLP
            List<NodeProto> fc1 = new ArrayList<>();
            for (NodeProto c : consumers.getOrDefault(h1, List.of())) {
                if (c.getOpType().equals("MatMul") && weightDims(c) != null) {
                    fc1.add(c);
                }
            }
            if (fc1.size() != 1 || weightDims(fc1.get(0))[0] != hidden) {
                throw refuse(
                        what + ": one MLP MatMul reading the first LayerNorm", fc1.size() + "");
            }
            int inter = (int) weightDims(fc1.get(0))[1];
            if (intermediate > 0 && inter != intermediate) {
                throw refuse("every MLP of width " + intermediate, what + "'s is " + inter);
            }
            intermediate = inter;
            String u = linear(fc1.get(0), p + "mlp.fc1", hidden, inter, what);
            NodeProto fc2 = gelu(u, what);
            String m = linear(fc2, p + "mlp.fc2", inter, hidden, what);
            String r2 = residual(m, h1, what + ": the MLP's residual Add");
            h = layerNorm(r2, p + "mlp_norm", hidden, what + ": the second LayerNorm");
            layer++;
        }
        if (layer == 0) {
            throw refuse("at least one transformer layer", "the embeddings are the output");
        }
        BertConfig config =
                new BertConfig(
                        vocab,
                        hidden,
                        layer,
                        heads,
                        intermediate,
                        (int) positionTable.getDims(0),
                        (int) typeTable.getDims(0),
                        eps);
        return new Weights(config, params);
    }

    // ---- the graph's pieces

    private NodeProto gatherFrom(String input, String what) {
        for (NodeProto n : consumers.getOrDefault(input, List.of())) {
            if (n.getOpType().equals("Gather")
                    && n.getInputCount() == 2
                    && n.getInput(1).equals(input)
                    && initialisers.containsKey(n.getInput(0))) {
                return n;
            }
        }
        throw refuse(what + ": a Gather of an initialiser by '" + input + "'", "none");
    }

    /** Position ids, when the graph keeps them as an initialiser, must be 0, 1, 2, ... */
    private void checkPositions(String indices) {
        Deque<String> todo = new ArrayDeque<>(List.of(indices));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (!seen.add(v)) {
                continue;
            }
            TensorProto t = initialisers.get(v);
            if (t != null && t.getDataType() == TensorProto.DataType.INT64_VALUE && count(t) > 1) {
                long[] ids = int64s(t);
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i] != i) {
                        throw refuse(
                                "position ids 0, 1, 2, ... (absolute positions)",
                                v + "[" + i + "] = " + ids[i]);
                    }
                }
                continue;
            }
            NodeProto n = producers.get(v);
            if (n != null && !n.getOpType().equals("Constant")) {
                todo.addAll(n.getInputList());
            }
        }
    }

    /** The next Reshape or Transpose (what splits and merges heads) after a value, or null. */
    private NodeProto followShape(String value) {
        for (NodeProto n : consumers.getOrDefault(value, List.of())) {
            if ((n.getOpType().equals("Reshape") || n.getOpType().equals("Transpose"))
                    && n.getInput(0).equals(value)) {
                return n;
            }
        }
        return null;
    }

    /** The heads of a (batch, tokens, heads, head_dim) Reshape: its shape's third entry. */
    private int reshapeHeads(String shape, int hidden, String what) {
        long[] dims = null;
        TensorProto t = constant(shape);
        if (t != null) {
            dims = int64s(t);
        } else {
            NodeProto concat = producers.get(shape);
            if (concat != null && concat.getOpType().equals("Concat")) {
                List<Long> parts = new ArrayList<>();
                for (String in : concat.getInputList()) {
                    TensorProto c = constant(in);
                    if (c == null) {
                        parts.add(-1L); // a dynamic size (batch, tokens)
                    } else {
                        for (long d : int64s(c)) {
                            parts.add(d);
                        }
                    }
                }
                dims = parts.stream().mapToLong(Long::longValue).toArray();
            }
        }
        if (dims == null) {
            throw refuse(what + ": a Reshape with a readable shape", "shape '" + shape + "'");
        }
        if (dims.length == 4) {
            if (dims[2] <= 0 || dims[3] <= 0 || dims[2] * dims[3] != hidden) {
                throw refuse(
                        what + ": heads x head_dim = " + hidden,
                        "reshape to " + Arrays.toString(dims));
            }
            return (int) dims[2];
        }
        return -1; // the merge back to (batch, tokens, hidden)
    }

    /** Q K^T must be divided by sqrt(head_dim) (or multiplied by its inverse). */
    private void checkScale(NodeProto scores, int headDim, String what) {
        String s = scores.getOutput(0);
        double expected = Math.sqrt(headDim);
        NodeProto div = consumer(s, "Div");
        NodeProto mul = consumer(s, "Mul");
        double got;
        NodeProto scale = div != null ? div : mul;
        if (scale == null) {
            throw refuse(what + ": the scores scaled by 1/sqrt(" + headDim + ")", "no scaling");
        }
        float[] c = floats(constantOrThrow(otherInput(scale, s), what + ": the scale"));
        got = div != null ? c[0] : 1.0 / c[0];
        if (Math.abs(got - expected) > 1e-4 * expected) {
            throw refuse(
                    what + ": scores divided by sqrt(" + headDim + ") = " + expected, "" + got);
        }
        String after = scale.getOutput(0);
        NodeProto maskAdd = consumer(after, "Add");
        String toSoftmax = maskAdd != null ? maskAdd.getOutput(0) : after;
        NodeProto softmax = consumer(toSoftmax, "Softmax");
        if (softmax == null) {
            throw refuse(what + ": the scaled, masked scores to reach a Softmax", "none");
        }
    }

    /** A MatMul + bias Add; returns the Add's output. */
    private String linear(NodeProto mm, String name, int in, int out, String what) {
        put(name + ".weight", linearWeight(mm, in, out));
        NodeProto bias = consumer(mm.getOutput(0), "Add");
        if (bias == null) {
            throw refuse(what + ": a bias Add after " + mm.getName(), "none");
        }
        put(name + ".bias", vector(bias, mm.getOutput(0), out, what));
        return bias.getOutput(0);
    }

    /** The Add of {@code value} and the residual {@code skip}. */
    private String residual(String value, String skip, String what) {
        NodeProto add = consumer(value, "Add");
        if (add == null || !otherInput(add, value).equals(skip)) {
            throw refuse(what + " with the block's input", add == null ? "none" : add.getName());
        }
        return add.getOutput(0);
    }

    /** The GELU after the first MLP MatMul; returns the second MLP MatMul. */
    private NodeProto gelu(String u, String what) {
        // everything reachable from u before the next MatMul is the activation
        Deque<String> todo = new ArrayDeque<>(List.of(u));
        Set<String> ops = new TreeSet<>(); // sorted: the message reads the same every time
        Set<NodeProto> seen = new HashSet<>();
        NodeProto next = null;
        while (!todo.isEmpty()) {
            for (NodeProto n : consumers.getOrDefault(todo.pop(), List.of())) {
                if (!seen.add(n)) {
                    continue;
                }
                if (n.getOpType().equals("MatMul")) {
                    if (next != null && next != n) {
                        throw refuse(what + ": one MatMul after the GELU", "two");
                    }
                    next = n;
                    continue;
                }
                ops.add(n.getOpType());
                todo.addAll(n.getOutputList());
            }
        }
        boolean exact =
                ops.equals(Set.of("Gelu"))
                        || (ops.contains("Erf")
                                && Set.of("Div", "Mul", "Add", "Erf", "Constant").containsAll(ops));
        if (!exact || next == null) {
            throw refuse(
                    what + ": the exact (erf) GELU between the MLP's MatMuls",
                    "ops " + ops + (next == null ? " and no second MatMul" : ""));
        }
        if (next.getOpType().equals("Gelu")) {
            AttributeProto approx = attribute(next, "approximate");
            if (approx != null && !approx.getS().toStringUtf8().equals("none")) {
                throw refuse(what + ": the exact GELU", "approximate=" + approx.getS());
            }
        }
        return next;
    }

    /**
     * The LayerNorm that starts at {@code x}: one LayerNormalization node, or the decomposed chain.
     */
    private String layerNorm(String x, String name, int hidden, String what) {
        NodeProto ln = consumer(x, "LayerNormalization");
        String out;
        String gamma;
        String beta;
        double e;
        if (ln != null) {
            AttributeProto axis = attribute(ln, "axis");
            if (axis != null && axis.getI() != -1 && axis.getI() != 2) {
                throw refuse(what + " over the last axis", "axis " + axis.getI());
            }
            AttributeProto epsilon = attribute(ln, "epsilon");
            e = epsilon == null ? 1e-5 : decimal(epsilon.getF());
            if (ln.getInputCount() < 3) {
                throw refuse(what + ": a LayerNormalization with scale and bias", ln.getName());
            }
            gamma = ln.getInput(1);
            beta = ln.getInput(2);
            out = ln.getOutput(0);
        } else {
            NodeProto mean = step(x, "ReduceMean", what);
            NodeProto sub = step(mean.getOutput(0), "Sub", what);
            NodeProto pow = step(sub.getOutput(0), "Pow", what);
            NodeProto var = step(pow.getOutput(0), "ReduceMean", what);
            NodeProto addEps = step(var.getOutput(0), "Add", what);
            e =
                    decimal(
                            floats(
                                    constantOrThrow(
                                            otherInput(addEps, var.getOutput(0)), what + ": eps"))[
                                    0]);
            NodeProto sqrt = step(addEps.getOutput(0), "Sqrt", what);
            NodeProto div = step(sqrt.getOutput(0), "Div", what);
            NodeProto mul = step(div.getOutput(0), "Mul", what);
            gamma = otherInput(mul, div.getOutput(0));
            NodeProto add = step(mul.getOutput(0), "Add", what);
            beta = otherInput(add, mul.getOutput(0));
            out = add.getOutput(0);
        }
        if (Double.isNaN(eps)) {
            eps = e;
        } else if (Math.abs(eps - e) > 1e-3 * eps) {
            throw refuse("one LayerNorm epsilon throughout (" + eps + ")", what + " has " + e);
        }
        put(name + ".weight", table(initialiser(gamma, what + "'s scale"), hidden, -2));
        put(name + ".bias", table(initialiser(beta, what + "'s shift"), hidden, -2));
        return out;
    }

    /** A float32 constant as the decimal it was written as (1e-12f is 1e-12, not 9.99...e-13). */
    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private NodeProto step(String value, String op, String what) {
        NodeProto n = consumer(value, op);
        if (n == null) {
            throw refuse(what + ": a " + op + " reading '" + value + "' (LayerNorm)", "none");
        }
        return n;
    }

    // ---- tensors

    private List<NodeProto> matMulsOf(String value, int in, int out) {
        List<NodeProto> found = new ArrayList<>();
        for (NodeProto n : consumers.getOrDefault(value, List.of())) {
            long[] d = n.getOpType().equals("MatMul") ? weightDims(n) : null;
            if (d != null && n.getInput(0).equals(value) && d[0] == in && d[1] == out) {
                found.add(n);
            }
        }
        return found;
    }

    /** The dims of a MatMul's initialiser weight (its second input), or null. */
    private long[] weightDims(NodeProto mm) {
        TensorProto w = initialisers.get(mm.getInput(1));
        if (w == null || w.getDimsCount() != 2) {
            return null;
        }
        return new long[] {w.getDims(0), w.getDims(1)};
    }

    /** A MatMul's (in, out) weight as DJL's Linear holds it: (out, in). */
    private Tensor linearWeight(NodeProto mm, int in, int out) {
        TensorProto w = initialisers.get(mm.getInput(1));
        float[] src = floats(w);
        float[] dst = new float[src.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                dst[o * in + i] = src[i * out + o];
            }
        }
        return new Tensor(dst, new long[] {out, in});
    }

    private Tensor vector(NodeProto add, String value, int n, String what) {
        String name = otherInput(add, value);
        return table(initialiser(name, what + ": a bias"), n, -2);
    }

    /** An initialiser as a table: rows (-1: any) by width, or, with width -2, a vector of rows. */
    private Tensor table(TensorProto t, int rows, int width) {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        boolean ok =
                width == -2
                        ? shape.length == 1 && shape[0] == rows
                        : shape.length == 2 && (rows < 0 || shape[0] == rows) && shape[1] == width;
        if (!ok) {
            throw refuse(
                    "initialiser '"
                            + t.getName()
                            + "' of shape "
                            + (width == -2
                                    ? "[" + rows + "]"
                                    : "[" + (rows < 0 ? "n" : rows) + ", " + width + "]"),
                    Arrays.toString(shape));
        }
        return new Tensor(floats(t), shape);
    }

    private TensorProto initialiser(String name, String what) {
        TensorProto t = initialisers.get(name);
        if (t == null) {
            throw refuse(what + " as an initialiser", "'" + name + "' is computed");
        }
        return t;
    }

    private TensorProto constant(String name) {
        TensorProto t = initialisers.get(name);
        if (t != null) {
            return t;
        }
        NodeProto n = producers.get(name);
        if (n != null && n.getOpType().equals("Constant")) {
            AttributeProto v = attribute(n, "value");
            return v == null ? null : v.getT();
        }
        return null;
    }

    private TensorProto constantOrThrow(String name, String what) {
        TensorProto t = constant(name);
        if (t == null) {
            throw refuse(what + " as a constant", "'" + name + "' is computed");
        }
        return t;
    }

    private float[] floats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw refuse(
                    "float32 tensor '" + t.getName() + "'",
                    TensorProto.DataType.forNumber(t.getDataType()) + "");
        }
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            if (raw.size() != n * 4) {
                throw refuse(
                        "tensor '" + t.getName() + "' with " + n + " floats",
                        raw.size() + " bytes");
            }
            float[] out = new float[(int) n];
            raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        if (t.getFloatDataCount() != n) {
            throw refuse(
                    "tensor '" + t.getName() + "' with " + n + " floats",
                    t.getFloatDataCount() + "");
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    private static long count(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    private static long[] int64s(TensorProto t) {
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] out = new long[b.remaining() / 8];
            b.asLongBuffer().get(out);
            return out;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    // ---- graph navigation

    private NodeProto consumer(String value, String op) {
        for (NodeProto n : consumers.getOrDefault(value, List.of())) {
            if (n.getOpType().equals(op)) {
                return n;
            }
        }
        return null;
    }

    private String otherInput(NodeProto n, String one) {
        if (n.getInputCount() != 2) {
            throw refuse("a two-input " + n.getOpType(), n.getName() + " has " + n.getInputCount());
        }
        return n.getInput(0).equals(one) ? n.getInput(1) : n.getInput(0);
    }

    private static AttributeProto attribute(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private void put(String name, Tensor t) {
        if (params.put(name, t) != null) {
            throw new IllegalStateException(source + ": parameter " + name + " found twice");
        }
    }

    private IllegalArgumentException refuse(String expected, String found) {
        return new IllegalArgumentException(
                source + ": not a BERT encoder graph: expected " + expected + ", found " + found);
    }
}
