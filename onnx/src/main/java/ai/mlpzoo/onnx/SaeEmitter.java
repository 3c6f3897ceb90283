package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.sae.MultiLayerSae;
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
        String flat = c.flatten(path, x, d.dIn()); // (N, d_in); head-major for hook_z
        String mu = null;
        String sd = null;
        String encIn = flat;
        if (b instanceof MultiLayerSae) {
            // the multi-layer SAE standardises each row: z = (x - mean) / (std_unbiased + eps)
            AttributeProto[] rowMean = {attrs("axes", 1), attr("keepdims", 1L)};
            mu = c.op(path, "standardize.mean", "ReduceMean", rowMean, flat); // (N, 1)
            String centred = c.op(path, "standardize.centre", "Sub", flat, mu); // (N, d_in)
            String sq = c.op(path, "standardize.square", "Mul", centred, centred);
            String meanSq = c.op(path, "standardize.meanSq", "ReduceMean", rowMean, sq);
            float unbias = d.dIn() / (float) (d.dIn() - 1); // mean over d to sum over d - 1
            String var = c.op(path, "standardize.var", "Mul", meanSq, c.graph().scalar(unbias));
            sd = c.op(path, "standardize.std", "Sqrt", var); // (N, 1)
            String denom =
                    c.op(path, "standardize.denom", "Add", sd, c.graph().scalar(MultiLayerSae.EPS));
            encIn = c.op(path, "standardize", "Div", centred, denom); // (N, d_in)
        }
        String in =
                d.applyBDecToInput()
                        ? c.op(path, "sae_in", "Sub", encIn, c.param(b.getBDec()))
                        : encIn;
        String acts = b.encoderGraph(new Ops(c, path), in); // (N, d_sae)
        String y =
                c.op(
                        path,
                        "decode.Add",
                        "Add",
                        c.op(path, "decode.MatMul", "MatMul", acts, c.param(b.getWDec())),
                        c.param(b.getBDec())); // (N, d_out)
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
        if (mu != null) {
            // back to the input's scale: y sd + mean (no eps, as the reference)
            y =
                    c.op(
                            path,
                            "destandardize",
                            "Add",
                            c.op(path, "destandardize.scale", "Mul", y, sd),
                            mu);
        }
        if (b.isReshapeHookZ()) {
            return hookZOutputs(c, path, acts, y, x, d);
        }
        return List.of(
                c.unflatten(path, "feature_acts", acts, x, d.dSae()),
                c.unflatten(path, "output", y, x, d.dOut()));
    }

    /**
     * The outputs of a hook_z SAE, whose input is (..., n_heads, d_head) or already flat (...,
     * d_in), as the block decides per input: the leading axes are the input's but its last two when
     * the last is not d_in, else but its last; an autoencoder's output takes the input's shape, a
     * transcoder's (..., d_out / d_head, d_head) (its per-head form).
     */
    private static List<String> hookZOutputs(
            ExportContext c, String path, String acts, String y, String x, SaeDims d) {
        String shape = c.op(path, "hook_z.shape", "Shape", x);
        String last =
                c.op(
                        path,
                        "hook_z.last",
                        "Slice",
                        shape,
                        c.graph().ints(-1),
                        c.graph().ints(Long.MAX_VALUE),
                        c.graph().ints(0)); // [d_head] or [d_in]
        String flatIn = c.op(path, "hook_z.isFlat", "Equal", last, c.graph().ints(d.dIn()));
        AttributeProto[] toLong = {attr("to", (long) TensorProto.DataType.INT64_VALUE)};
        String perHead =
                c.op(
                        path,
                        "hook_z.perHead",
                        "Cast",
                        toLong,
                        c.op(path, "hook_z.not", "Not", flatIn)); // [1] or [0]
        String end = c.op(path, "hook_z.end", "Sub", c.graph().ints(-1), perHead); // [-2] or [-1]
        String lead =
                c.op(
                        path,
                        "hook_z.lead",
                        "Slice",
                        shape,
                        c.graph().ints(0),
                        end,
                        c.graph().ints(0));
        AttributeProto[] axis0 = {attr("axis", 0L)};
        String actsShape =
                c.op(path, "feature_acts.target", "Concat", axis0, lead, c.graph().ints(d.dSae()));
        String outShape =
                d.dOut() == d.dIn()
                        ? shape
                        : c.op(
                                path,
                                "output.target",
                                "Concat",
                                axis0,
                                lead,
                                c.graph().ints(-1),
                                last);
        return List.of(
                c.op(path, "feature_acts", "Reshape", acts, actsShape),
                c.op(path, "output", "Reshape", y, outShape));
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
