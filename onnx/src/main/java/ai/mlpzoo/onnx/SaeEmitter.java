package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;

import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SaeOps;
import ai.mlpzoo.blocks.sae.SparseCoder;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.TensorProto;

/**
 * The one emitter of every sparse coder whose exact class is a registered architecture ({@link
 * SaeArchitectures}): the parts all coders share (flattening, the b_dec subtraction, decoding, the
 * skip connection) are written here, and the encoder is the graph the block states in {@link
 * SparseCoder#encoderGraph}, each of its {@link SaeOps} one ONNX node. A new architecture is thus
 * exported without an emitter of its own.
 */
final class SaeEmitter {

    private SaeEmitter() {}

    /**
     * Emits a sparse coder.
     *
     * @param c the context
     * @param b the block
     * @param path its path
     * @param x the input (..., d_in)
     * @return {@code feature_acts} (..., d_sae) and {@code output} (..., d_out)
     */
    static List<String> emit(ExportContext c, SparseCoder b, String path, String x) {
        SaeDims d = b.getDims();
        String flat = c.flatten(path, x, d.dIn());
        String in =
                d.applyBDecToInput()
                        ? c.op(path, "sae_in", "Sub", flat, c.param(b.getBDec()))
                        : flat;
        String acts = b.encoderGraph(new Ops(c, path), in);
        String y =
                c.op(
                        path,
                        "decode.Add",
                        "Add",
                        c.op(path, "decode.MatMul", "MatMul", acts, c.param(b.getWDec())),
                        c.param(b.getBDec()));
        if (b.getWSkip() != null) {
            y =
                    c.op(
                            path,
                            "skip.Add",
                            "Add",
                            y,
                            c.linear(
                                    ExportContext.join(path, "skip"),
                                    flat,
                                    c.param(b.getWSkip()),
                                    null));
        }
        return List.of(
                c.unflatten(path, "feature_acts", acts, x, d.dSae()),
                c.unflatten(path, "output", y, x, d.dOut()));
    }

    /** The operations as ONNX nodes named {@code path/encode.<op>} (made unique by the graph). */
    private static final class Ops implements SaeOps<String> {

        private final ExportContext c;
        private final String path;

        Ops(ExportContext c, String path) {
            this.c = c;
            this.path = path;
        }

        private String node(String op, String... inputs) {
            return c.op(path, "encode." + op, op, inputs);
        }

        private String node(String op, AttributeProto[] attrs, String... inputs) {
            return c.op(path, "encode." + op, op, attrs, inputs);
        }

        @Override
        public String param(Parameter p) {
            return c.param(p);
        }

        @Override
        public String constant(float value) {
            return c.graph().scalar(value);
        }

        @Override
        public String matMul(String a, String b) {
            return node("MatMul", a, b);
        }

        @Override
        public String add(String a, String b) {
            return node("Add", a, b);
        }

        @Override
        public String mul(String a, String b) {
            return node("Mul", a, b);
        }

        @Override
        public String exp(String a) {
            return node("Exp", a);
        }

        @Override
        public String relu(String a) {
            return node("Relu", a);
        }

        @Override
        public String greater(String a, String b) {
            AttributeProto[] toFloat = {attr("to", (long) TensorProto.DataType.FLOAT_VALUE)};
            return node("Cast", toFloat, node("Greater", a, b));
        }

        @Override
        public String keepTopK(String a, int k) {
            AttributeProto[] topAttrs = {attr("axis", 1L), attr("largest", 1L), attr("sorted", 1L)};
            String[] top = c.opN(path, "encode.TopK", "TopK", 2, topAttrs, a, c.graph().ints(k));
            AttributeProto[] zero = {OnnxGraph.attrTensor("value", 0f)};
            String zeros = node("ConstantOfShape", zero, node("Shape", a));
            // the values where their indices say, zeros elsewhere
            return node(
                    "ScatterElements",
                    new AttributeProto[] {attr("axis", 1L)},
                    zeros,
                    top[1],
                    top[0]);
        }
    }
}
