package ai.mlpzoo.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * A small builder of ONNX graphs over the generated protobuf classes: named nodes, float
 * initialisers, int64 constants, graph inputs and outputs whose first axis is the dynamic {@code
 * batch} dimension. Every value name is unique; a node's output is named after the node, so the
 * graph reads like the block tree ({@code blocks.0.mlp_tokens.fc1/MatMul}).
 */
public final class OnnxGraph {

    /** The ONNX opset this exporter targets (LayerNormalization needs 17). */
    public static final int OPSET = 17;

    /** The IR version of onnx.proto 1.12 (opset 17). */
    public static final long IR_VERSION = 8;

    /** The name of the dynamic batch dimension. */
    public static final String BATCH = "batch";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, String> constants = new HashMap<>();
    private final java.util.Set<String> reserved = new java.util.HashSet<>();

    /**
     * Creates an empty graph.
     *
     * @param name the graph name
     */
    public OnnxGraph(String name) {
        graph.setName(name);
    }

    /**
     * Makes a name unique in this graph by appending {@code _2}, {@code _3}, ... when it is taken.
     *
     * @param base the wanted name
     * @return an unused name
     */
    public String unique(String base) {
        int n = counts.merge(base, 1, Integer::sum);
        if (n == 1) {
            return base;
        }
        String name = base + "_" + n;
        while (counts.containsKey(name)) {
            n++;
            name = base + "_" + n;
        }
        counts.put(name, 1);
        return name;
    }

    private static ValueInfoProto valueInfo(String name, long[] dims) {
        if (dims == null) { // any rank, any size
            TypeProto.Tensor.Builder t =
                    TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE);
            return ValueInfoProto.newBuilder()
                    .setName(name)
                    .setType(TypeProto.newBuilder().setTensorType(t))
                    .build();
        }
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (i == 0) {
                d.setDimParam(BATCH);
            } else if (dims[i] >= 0) {
                d.setDimValue(dims[i]);
            }
            shape.addDim(d);
        }
        TypeProto.Tensor.Builder t =
                TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape);
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(t))
                .build();
    }

    /**
     * Reserves a graph output name, so that no node takes it.
     *
     * @param name the output name
     */
    public void reserve(String name) {
        if (counts.containsKey(name)) {
            throw new IllegalStateException("name " + name + " is already taken");
        }
        counts.put(name, 1);
        reserved.add(name);
    }

    /**
     * Declares a float graph input; the first axis is the dynamic batch.
     *
     * @param name the input name
     * @param dims the dimensions (the first is replaced by {@code batch}), or null for any shape
     * @return the value name
     */
    public String input(String name, long[] dims) {
        String n = unique(name);
        graph.addInput(valueInfo(n, dims));
        return n;
    }

    /**
     * Declares a float graph output through an Identity node named after it.
     *
     * @param name the output name
     * @param value the value to output
     * @param dims the dimensions, -1 where unknown (the first is the dynamic batch), or null for
     *     any shape
     */
    public void output(String name, String value, long[] dims) {
        if (!reserved.contains(name)) {
            throw new IllegalStateException(
                    "output name " + name + " was not reserved before the nodes were added");
        }
        String n = name;
        graph.addNode(
                NodeProto.newBuilder()
                        .setOpType("Identity")
                        .setName(n + "/Identity")
                        .addInput(value)
                        .addOutput(n));
        graph.addOutput(valueInfo(n, dims));
    }

    /**
     * Adds a node with one output, named after the node.
     *
     * @param op the ONNX operator
     * @param name the node name (made unique)
     * @param inputs the input value names
     * @param attributes the attributes
     * @return the output value name
     */
    public String node(String op, String name, List<String> inputs, AttributeProto... attributes) {
        return nodeN(op, name, 1, inputs, attributes)[0];
    }

    /**
     * Adds a node with several outputs, named {@code node:0}, {@code node:1}, ...
     *
     * @param op the ONNX operator
     * @param name the node name (made unique)
     * @param outputs how many outputs
     * @param inputs the input value names
     * @param attributes the attributes
     * @return the output value names
     */
    public String[] nodeN(
            String op,
            String name,
            int outputs,
            List<String> inputs,
            AttributeProto... attributes) {
        String n = unique(name);
        NodeProto.Builder node =
                NodeProto.newBuilder().setOpType(op).setName(n).addAllInput(inputs);
        String[] out = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            out[i] = outputs == 1 ? n : n + ":" + i;
            node.addOutput(out[i]);
        }
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return out;
    }

    /**
     * Adds a float initialiser.
     *
     * @param name the initialiser name (made unique)
     * @param data the values, row-major
     * @param dims the shape
     * @return the value name
     */
    public String initializer(String name, float[] data, long... dims) {
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(
                    "initialiser "
                            + name
                            + ": shape "
                            + Arrays.toString(dims)
                            + " does not hold "
                            + data.length
                            + " values");
        }
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        String n = unique(name);
        graph.addInitializer(
                TensorProto.newBuilder()
                        .setName(n)
                        .setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addAllDims(box(dims))
                        .setRawData(ByteString.copyFrom(buf.array())));
        return n;
    }

    /**
     * A float scalar constant, shared by every node that uses the same value.
     *
     * @param value the value
     * @return the value name
     */
    public String scalar(float value) {
        String key = "f:" + Float.floatToIntBits(value);
        String found = constants.get(key);
        if (found != null) {
            return found;
        }
        String n =
                initializer(
                        "const." + Float.toString(value).replace('-', 'm'), new float[] {value});
        constants.put(key, n);
        return n;
    }

    /**
     * A float scalar constant whose name is derived from the value; alias of {@link #scalar}.
     *
     * @param value the value
     * @return the value name
     */
    public String scalar(double value) {
        return scalar((float) value);
    }

    /**
     * An int64 constant (a 1-D tensor, or a scalar when {@code scalar} is set), shared by equal
     * uses.
     *
     * @param scalar whether a 0-D scalar
     * @param values the values
     * @return the value name
     */
    public String ints(boolean scalar, long... values) {
        String key = "i:" + scalar + Arrays.toString(values);
        String found = constants.get(key);
        if (found != null) {
            return found;
        }
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values);
        String label =
                Arrays.toString(values)
                        .replaceAll("[\\[\\] ]", "")
                        .replace(',', '_')
                        .replace('-', 'm');
        String n = unique("const.int64." + label);
        TensorProto.Builder t =
                TensorProto.newBuilder()
                        .setName(n)
                        .setDataType(TensorProto.DataType.INT64_VALUE)
                        .setRawData(ByteString.copyFrom(buf.array()));
        if (!scalar) {
            t.addDims(values.length);
        }
        graph.addInitializer(t);
        constants.put(key, n);
        return n;
    }

    /**
     * A 1-D int64 constant.
     *
     * @param values the values
     * @return the value name
     */
    public String ints(long... values) {
        return ints(false, values);
    }

    /**
     * Builds the model.
     *
     * @param docString a description stored in the model
     * @return the model proto
     */
    public ModelProto build(String docString) {
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("mlp-zoo")
                .setProducerVersion("0.1.0")
                .setDocString(docString)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build();
    }

    private static List<Long> box(long[] dims) {
        return Arrays.stream(dims).boxed().toList();
    }

    /**
     * An int attribute.
     *
     * @param name the attribute name
     * @param v the value
     * @return the attribute
     */
    public static AttributeProto attr(String name, long v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(v)
                .build();
    }

    /**
     * A float attribute.
     *
     * @param name the attribute name
     * @param v the value
     * @return the attribute
     */
    public static AttributeProto attr(String name, float v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(v)
                .build();
    }

    /**
     * An ints attribute.
     *
     * @param name the attribute name
     * @param v the values
     * @return the attribute
     */
    public static AttributeProto attrs(String name, long... v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INTS)
                .addAllInts(box(v))
                .build();
    }

    /**
     * A tensor attribute holding one float (ConstantOfShape's value).
     *
     * @param name the attribute name
     * @param v the value
     * @return the attribute
     */
    public static AttributeProto attrTensor(String name, float v) {
        TensorProto t =
                TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(1)
                        .addFloatData(v)
                        .build();
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(t)
                .build();
    }
}
