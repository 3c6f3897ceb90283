package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;

import ai.mlpzoo.blocks.attention.MultiHeadSelfAttention;
import ai.mlpzoo.blocks.kat.KatBlock;
import ai.mlpzoo.blocks.kat.KatVisionTransformer;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * ONNX emitters of KAT (Yang and Wang 2024): {@link KatVisionTransformer}, its {@link KatBlock}s,
 * and the shared {@link MultiHeadSelfAttention} they hold ({@link AttentionEmitter}); the GR-KAN
 * MLP and the patch embedding use the emitters already registered. Outputs {@code output} and
 * {@code pre_logits}.
 */
final class KatEmitter {

    private KatEmitter() {}

    /** Registers the emitters: the one call {@link Emitters} makes for this family. */
    static void register() {
        Emitters.register(KatVisionTransformer.class, KatEmitter::vit);
        Emitters.register(KatBlock.class, KatEmitter::block);
        Emitters.register(MultiHeadSelfAttention.class, AttentionEmitter::emit);
        Emitters.registerOutputs(KatVisionTransformer.class, List.of("output", "pre_logits"));
    }

    private static List<String> vit(
            ExportContext c, KatVisionTransformer b, String path, String x) {
        String patches = c.child(b, path, "patch_embed", x); // (B, N, D)
        String cls = c.param(b, path, "cls_token"); // (1, 1, D)
        String pos = c.param(b, path, "pos_embed"); // (1, 1 + N, D)
        // the class token broadcast over the batch: Expand to (B, 1, D)
        String shape = c.op(path, "shape", "Shape", patches);
        String batch =
                c.op(
                        path,
                        "batch",
                        "Slice",
                        shape,
                        c.graph().ints(0),
                        c.graph().ints(1),
                        c.graph().ints(0));
        String dims =
                c.op(path, "cls.shape", "Concat", a(attr("axis", 0L)), batch, c.graph().ints(1, 1));
        String clsB = c.op(path, "cls.expand", "Expand", cls, dims); // (B, 1, D) via broadcast
        String h = c.op(path, "tokens", "Concat", a(attr("axis", 1L)), clsB, patches);
        h = c.op(path, "pos.add", "Add", h, pos); // (B, 1 + N, D)
        for (int i = 0; i < b.blocks().size(); i++) {
            h = c.child(b, path, "blocks." + i, h);
        }
        String first =
                c.op(
                        path,
                        "token0",
                        "Slice",
                        h,
                        c.graph().ints(0),
                        c.graph().ints(1),
                        c.graph().ints(1)); // (B, 1, D)
        String token = c.op(path, "token0.squeeze", "Squeeze", first, c.graph().ints(1)); // (B, D)
        String pooled = c.child(b, path, "norm", token);
        String logits = c.child(b, path, "head", pooled);
        return List.of(logits, pooled);
    }

    private static List<String> block(ExportContext c, KatBlock b, String path, String x) {
        String a = c.child(b, path, "attn", c.child(b, path, "norm1", x));
        String h = c.op(path, "residual1", "Add", x, a);
        String m = c.child(b, path, "mlp", c.child(b, path, "norm2", h));
        return List.of(c.op(path, "residual2", "Add", h, m));
    }

    private static AttributeProto[] a(AttributeProto... attrs) {
        return attrs;
    }
}
