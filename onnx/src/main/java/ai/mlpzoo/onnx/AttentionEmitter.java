package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.mlpzoo.blocks.attention.MultiHeadSelfAttention;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * ONNX emitter of the shared {@link MultiHeadSelfAttention} (Vaswani et al. 2017), without a mask:
 * {@code softmax(Q K^T / sqrt(d_head)) V} per head, heads concatenated, then {@code output}. Head h
 * owns features h·d_head … (h+1)·d_head − 1 of each projection, as the block splits them.
 */
final class AttentionEmitter {

    private AttentionEmitter() {}

    static List<String> emit(ExportContext c, MultiHeadSelfAttention b, String path, String x) {
        long h = b.heads();
        long dh = b.headDim();
        String q = split(c, path, "query", c.child(b, path, "query", x), h, dh, 0, 2, 1, 3);
        String kt = split(c, path, "key", c.child(b, path, "key", x), h, dh, 0, 2, 3, 1);
        String v = split(c, path, "value", c.child(b, path, "value", x), h, dh, 0, 2, 1, 3);
        String scores = c.op(path, "scores", "MatMul", q, kt); // (B, H, T, T)
        scores = c.op(path, "scale", "Div", scores, c.graph().scalar((float) Math.sqrt(dh)));
        String weights =
                c.op(path, "softmax", "Softmax", new AttributeProto[] {attr("axis", -1L)}, scores);
        String z = c.op(path, "z", "MatMul", weights, v); // (B, H, T, Dh)
        z =
                c.op(
                        path,
                        "z.T",
                        "Transpose",
                        new AttributeProto[] {attrs("perm", 0, 2, 1, 3)},
                        z); // (B, T, H, Dh)
        String merged = c.op(path, "merge", "Reshape", z, c.graph().ints(0, 0, h * dh)); // (B,T,D)
        return List.of(c.child(b, path, "output", merged));
    }

    /** (B, T, D) to (B, T, H, Dh), then transposed by {@code perm}. */
    private static String split(
            ExportContext c, String path, String label, String y, long h, long dh, long... perm) {
        String r = c.op(path, label + ".heads", "Reshape", y, c.graph().ints(0, 0, h, dh));
        return c.op(path, label + ".T", "Transpose", new AttributeProto[] {attrs("perm", perm)}, r);
    }
}
