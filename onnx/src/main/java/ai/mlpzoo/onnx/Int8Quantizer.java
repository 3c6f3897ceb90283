package ai.mlpzoo.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Dynamic int8 quantisation of an exported graph: every {@code MatMul} whose second input is a
 * constant 2-D float matrix (an initialiser, or the {@code Transpose} of one, as {@link
 * ExportContext#linear} writes DJL's Linear) becomes
 *
 * <pre>
 * DynamicQuantizeLinear(x)             -> x_q (uint8), x_scale, x_zero_point   (per tensor, per call)
 * MatMulInteger(x_q, W_q, x_zp, W_zp)  -> int32                              (W_q int8, per column)
 * Cast(to float) * (x_scale * W_scale) -> the MatMul's output
 * </pre>
 *
 * the graph that ONNX Runtime's {@code quantize_dynamic} writes (unsigned activations, signed
 * weights) and that ONNX Runtime fuses into {@code MatMulIntegerToFloat}, run with VNNI where the
 * CPU has it (Jacob et al., "Quantization and Training of Neural Networks for Efficient
 * Integer-Arithmetic-Only Inference", CVPR 2018, for the affine scheme). Weights are quantised
 * symmetrically per output column (scale {@code max|W[:, n]| / 127}, zero point 0), which keeps a
 * column with small weights from losing its resolution to a large one. Every other node (norms,
 * GELU, softmax, the attention products between two activations) stays in float32.
 *
 * <p>A keep-float list names the layers whose products stay float32: an entry is a dotted block
 * path, and it matches a MatMul whose node path (the node name before {@code /}) holds its segments
 * consecutively, so {@code mlp_tokens} keeps every token-mixing product, {@code mlp_tokens.fc2}
 * only their second layer and {@code blocks.0} everything of the first block. The default, {@link
 * #DEFAULT_KEEP_FLOAT}, was chosen by measuring every zoo Fashion-MNIST model with one layer kind
 * quantised at a time (docs/onnx.md, BENCHMARKS.md "Reduced precision").
 */
public final class Int8Quantizer {

    /** The file name of the quantised graph beside {@code model.onnx}. */
    public static final String FILE_NAME = "model.int8.onnx";

    /** The model name DJL's ONNX Runtime engine resolves to {@link #FILE_NAME}. */
    public static final String MODEL_NAME = "model.int8";

    /**
     * The layers kept in float32 by default (see the class comment for the syntax), chosen by
     * quantising one layer kind at a time on the zoo's Fashion-MNIST models (full test set,
     * BENCHMARKS.md "Reduced precision"). gMixer's second token-mixing layer alone cost 0.54 of the
     * 0.58 points it lost: its input is the product of the two halves of a gated (SwiGLU) unit,
     * whose heavy tails set the one per-tensor activation scale of {@code DynamicQuantizeLinear}
     * and leave the bulk of the values few levels, which per-column weight scales cannot repair
     * (every other kind cost at most 0.10). ResMLP's loss was spread over its token-mixing linear
     * layer (0.09) and its channel MLP's second layer (0.11); keeping the cheaper of the two, the
     * token mixing, in float32 brings it to -0.06. {@code mlp_tokens.fc2} also names the
     * MLP-Mixer's and N-Informer's second token-mixing layer, which cost them nothing measurable
     * but are a tenth of their multiply-adds. An entry that names no layer of a graph is ignored
     * for this default.
     */
    public static final List<String> DEFAULT_KEEP_FLOAT =
            List.of("mlp_tokens.fc2", "linear_tokens");

    private static final java.util.regex.Pattern ENTRY =
            java.util.regex.Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");

    private Int8Quantizer() {}

    /**
     * Quantises a model's constant-weight matrix products, keeping {@link #DEFAULT_KEEP_FLOAT} in
     * float32.
     *
     * @param model a float32 model (as {@link OnnxExporter#export} writes)
     * @return the quantised model (opset unchanged: the integer operators are in ONNX since 10)
     * @throws IllegalArgumentException when the graph has no product with a constant weight left to
     *     quantise
     */
    public static ModelProto quantize(ModelProto model) {
        return quantize(model, DEFAULT_KEEP_FLOAT, false);
    }

    /**
     * Quantises a model's constant-weight matrix products except those the keep-float list names.
     *
     * @param model a float32 model (as {@link OnnxExporter#export} writes)
     * @param keepFloat dotted block paths whose products stay float32 (empty: quantise all)
     * @return the quantised model
     * @throws IllegalArgumentException when an entry is malformed or names no constant-weight
     *     MatMul of the graph, or when nothing is left to quantise
     */
    public static ModelProto quantize(ModelProto model, List<String> keepFloat) {
        return quantize(model, keepFloat, true);
    }

    /**
     * Parses a keep-float option: comma-separated dotted block paths, or {@code none} for an empty
     * list (quantise every constant-weight product).
     *
     * @param value the option's text
     * @return the entries
     * @throws IllegalArgumentException naming the bad entry and the expected form
     */
    public static List<String> parseKeepFloat(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    "--keep-float is empty; give comma-separated layer paths such as"
                            + " mlp_tokens.fc2,head, or none to quantise every layer");
        }
        if ("none".equals(value.trim())) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String e : value.split(",", -1)) {
            checkEntry(e.trim());
            out.add(e.trim());
        }
        return List.copyOf(out);
    }

    private static void checkEntry(String e) {
        if (e == null || !ENTRY.matcher(e).matches()) {
            throw new IllegalArgumentException(
                    "keep-float entry '"
                            + e
                            + "' is not a dotted layer path (letters, digits, _ and ., e.g."
                            + " mlp_tokens.fc2 or head); use none to quantise every layer");
        }
    }

    /** Whether a MatMul node's block path holds the entry's segments consecutively. */
    static boolean matches(String nodePath, String entry) {
        String[] p = nodePath.split("\\.");
        String[] e = entry.split("\\.");
        for (int i = 0; i + e.length <= p.length; i++) {
            boolean all = true;
            for (int j = 0; j < e.length && all; j++) {
                all = p[i + j].equals(e[j]);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** The block path of a node: its name before the last {@code /}, else its first output. */
    private static String path(NodeProto n) {
        String name = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(0, slash);
    }

    private static ModelProto quantize(ModelProto model, List<String> keepFloat, boolean strict) {
        if (keepFloat == null) {
            throw new IllegalArgumentException(
                    "the keep-float list is null; pass List.of() to quantise every layer");
        }
        keepFloat.forEach(Int8Quantizer::checkEntry);
        Set<String> matched = new HashSet<>();
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), t);
        }
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
        }
        Set<String> taken = new HashSet<>(inits.keySet());
        for (NodeProto n : g.getNodeList()) {
            taken.addAll(n.getOutputList());
        }
        GraphProto.Builder out = g.toBuilder().clearNode();
        int quantised = 0;
        int kept = 0;
        for (NodeProto n : g.getNodeList()) {
            float[][] w =
                    "MatMul".equals(n.getOpType())
                            ? constantMatrix(n.getInput(1), inits, producer)
                            : null;
            if (w == null) {
                out.addNode(n);
                continue;
            }
            boolean keep = false;
            for (String e : keepFloat) {
                if (matches(path(n), e)) {
                    matched.add(e);
                    keep = true;
                }
            }
            if (keep) {
                out.addNode(n);
                kept++;
                continue;
            }
            String base = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
            emit(out, n.getInput(0), n.getOutput(0), w, base, taken);
            quantised++;
        }
        if (strict && matched.size() < new HashSet<>(keepFloat).size()) {
            List<String> unmatched = new ArrayList<>(keepFloat);
            unmatched.removeAll(matched);
            throw new IllegalArgumentException(
                    "keep-float entries "
                            + unmatched
                            + " name no MatMul with a constant weight in this graph; its layers"
                            + " are named like "
                            + examplePaths(g, inits, producer));
        }
        if (quantised == 0) {
            throw new IllegalArgumentException(
                    kept > 0
                            ? "the keep-float list "
                                    + keepFloat
                                    + " keeps all "
                                    + kept
                                    + " constant-weight MatMul in float32: nothing to quantise"
                                    + " to int8"
                            : "the graph has no MatMul with a constant weight: nothing to quantise"
                                    + " to int8");
        }
        prune(out);
        return model.toBuilder()
                .setGraph(out)
                .setDocString(
                        model.getDocString()
                                + "; int8 dynamic quantisation of "
                                + quantised
                                + " MatMul"
                                + (kept > 0
                                        ? ", " + kept + " kept float32 (" + keepFloat + ")"
                                        : ""))
                .build();
    }

    /** Up to four block paths of the graph's constant-weight MatMuls, for an error message. */
    private static List<String> examplePaths(
            GraphProto g, Map<String, TensorProto> inits, Map<String, NodeProto> producer) {
        List<String> paths = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (paths.size() < 4
                    && "MatMul".equals(n.getOpType())
                    && constantMatrix(n.getInput(1), inits, producer) != null) {
                paths.add(path(n));
            }
        }
        return paths;
    }

    /** Writes the quantised replacement of {@code y = x W} for a (K, N) weight. */
    private static void emit(
            GraphProto.Builder g, String x, String y, float[][] w, String base, Set<String> taken) {
        int k = w.length;
        int n = w[0].length;
        float[] scales = new float[n];
        byte[] q = new byte[k * n];
        for (int j = 0; j < n; j++) {
            float max = 0;
            for (int i = 0; i < k; i++) {
                max = Math.max(max, Math.abs(w[i][j]));
            }
            // an all-zero column: any scale represents it exactly
            scales[j] = max == 0 ? 1f : max / 127f;
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                long v = Math.round(w[i][j] / scales[j]);
                q[i * n + j] = (byte) Math.max(-127, Math.min(127, v));
            }
        }
        String wq = fresh(base + ".weight_quantized", taken);
        String ws = fresh(base + ".weight_scale", taken);
        String wz = fresh(base + ".weight_zero_point", taken);
        g.addInitializer(tensor(wq, TensorProto.DataType.INT8_VALUE, q, k, n));
        g.addInitializer(tensor(ws, TensorProto.DataType.FLOAT_VALUE, floats(scales), n));
        g.addInitializer(tensor(wz, TensorProto.DataType.INT8_VALUE, new byte[n], n));
        String xq = fresh(base + ".input_quantized", taken);
        String xs = fresh(base + ".input_scale", taken);
        String xz = fresh(base + ".input_zero_point", taken);
        String acc = fresh(base + ".int32", taken);
        String accF = fresh(base + ".int32_cast", taken);
        String scale = fresh(base + ".scales_mul", taken);
        g.addNode(
                node("DynamicQuantizeLinear", base + ".quantize", List.of(x), List.of(xq, xs, xz)));
        g.addNode(
                node(
                        "MatMulInteger",
                        base + ".MatMulInteger",
                        List.of(xq, wq, xz, wz),
                        List.of(acc)));
        g.addNode(
                node("Cast", base + ".cast", List.of(acc), List.of(accF)).toBuilder()
                        .addAttribute(
                                AttributeProto.newBuilder()
                                        .setName("to")
                                        .setType(AttributeProto.AttributeType.INT)
                                        .setI(TensorProto.DataType.FLOAT_VALUE))
                        .build());
        g.addNode(node("Mul", base + ".scales", List.of(xs, ws), List.of(scale)));
        g.addNode(node("Mul", base + ".rescale", List.of(accF, scale), List.of(y)));
    }

    /**
     * The (K, N) float matrix behind a MatMul's second input: a 2-D float initialiser, or the
     * {@code Transpose(perm=1,0)} of one; null when the input is computed.
     */
    private static float[][] constantMatrix(
            String name, Map<String, TensorProto> inits, Map<String, NodeProto> producer) {
        TensorProto t = inits.get(name);
        if (t != null) {
            return matrix(t, false);
        }
        NodeProto p = producer.get(name);
        if (p == null
                || !"Transpose".equals(p.getOpType())
                || p.getInputCount() != 1
                || !inits.containsKey(p.getInput(0))) {
            return null;
        }
        for (AttributeProto a : p.getAttributeList()) {
            if ("perm".equals(a.getName())
                    && !(a.getIntsCount() == 2 && a.getInts(0) == 1 && a.getInts(1) == 0)) {
                return null;
            }
        }
        return matrix(inits.get(p.getInput(0)), true);
    }

    /** A 2-D float initialiser as rows, transposed if asked; null for any other tensor. */
    private static float[][] matrix(TensorProto t, boolean transpose) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || t.getDimsCount() != 2) {
            return null;
        }
        int r = (int) t.getDims(0);
        int c = (int) t.getDims(1);
        float[] v;
        if (t.getFloatDataCount() > 0) {
            v = new float[t.getFloatDataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getFloatData(i);
            }
        } else {
            v = new float[r * c];
            t.getRawData()
                    .asReadOnlyByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(v);
        }
        float[][] m = transpose ? new float[c][r] : new float[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                if (transpose) {
                    m[j][i] = v[i * c + j];
                } else {
                    m[i][j] = v[i * c + j];
                }
            }
        }
        return m;
    }

    /**
     * Drops the nodes and initialisers nothing reads any more (the folded transposes, the float
     * weights).
     */
    private static void prune(GraphProto.Builder g) {
        boolean changed = true;
        while (changed) {
            Set<String> used = new HashSet<>();
            for (NodeProto n : g.getNodeList()) {
                used.addAll(n.getInputList());
            }
            g.getOutputList().forEach(o -> used.add(o.getName()));
            List<NodeProto> keep = new ArrayList<>();
            for (NodeProto n : g.getNodeList()) {
                if (n.getOutputList().stream().anyMatch(used::contains)) {
                    keep.add(n);
                }
            }
            changed = keep.size() != g.getNodeCount();
            g.clearNode().addAllNode(keep);
            if (!changed) {
                List<TensorProto> inits = new ArrayList<>();
                for (TensorProto t : g.getInitializerList()) {
                    if (used.contains(t.getName())) {
                        inits.add(t);
                    }
                }
                g.clearInitializer().addAllInitializer(inits);
            }
        }
    }

    private static String fresh(String name, Set<String> taken) {
        String n = name;
        for (int i = 1; taken.contains(n); i++) {
            n = name + "_" + i;
        }
        taken.add(n);
        return n;
    }

    private static NodeProto node(String op, String name, List<String> in, List<String> outs) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(name)
                .addAllInput(in)
                .addAllOutput(outs)
                .build();
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static TensorProto tensor(String name, int type, byte[] raw, long... dims) {
        TensorProto.Builder t =
                TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(type)
                        .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
