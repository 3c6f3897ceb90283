package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.mlpzoo.blocks.common.Shifts;
import ai.mlpzoo.blocks.msmlp.MixShiftBlock;
import ai.mlpzoo.blocks.msmlp.MsMlp;
import ai.mlpzoo.blocks.msmlp.MsMlpStage;
import ai.mlpzoo.blocks.msmlp.MsPatchEmbed;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * The ONNX emitters of MS-MLP's blocks ({@link ai.mlpzoo.blocks.msmlp}), registered with {@link
 * Emitters} by one {@link #register()} call. The circular roll is two {@code Slice}s and a {@code
 * Concat} (as {@link Shifts#roll}); the channel groups are one {@code Split}.
 */
final class MsMlpEmitters {

    private MsMlpEmitters() {}

    /** Registers every MS-MLP emitter. */
    static void register() {
        Emitters.register(MsMlp.class, MsMlpEmitters::model);
        Emitters.register(MsMlpStage.class, MsMlpEmitters::stage);
        Emitters.register(MsPatchEmbed.class, MsMlpEmitters::patchEmbed);
        Emitters.register(MixShiftBlock.class, MsMlpEmitters::mixShift);
    }

    private static AttributeProto[] a(AttributeProto... v) {
        return v;
    }

    private static List<String> model(ExportContext c, MsMlp b, String path, String x) {
        String h = c.child(b, path, "patch_embed", x); // (B, E, R, R)
        for (int s = 0; s < b.getLayers().size(); s++) {
            h = c.child(b, path, "layers." + s, h);
        }
        String pooled =
                c.op(path, "pool", "ReduceMean", a(attrs("axes", 2, 3), attr("keepdims", 0L)), h);
        String pre = c.child(b, path, "norm", pooled); // (B, F)
        return List.of(c.child(b, path, "head", pre), pre);
    }

    private static List<String> stage(ExportContext c, MsMlpStage b, String path, String x) {
        String h = x;
        for (int j = 0; j < b.getBlocks().size(); j++) {
            h = c.child(b, path, "blocks." + j, h);
        }
        if (b.getDownsample() != null) {
            h = c.child(b, path, "downsample", h);
        }
        return List.of(h);
    }

    private static List<String> patchEmbed(ExportContext c, MsPatchEmbed b, String path, String x) {
        String y = c.child(b, path, "proj", x); // (B, E, H', W')
        if (!b.hasNorm()) {
            return List.of(y);
        }
        String nhwc = c.op(path, "to_nhwc", "Transpose", a(attrs("perm", 0, 2, 3, 1)), y);
        String n = c.child(b, path, "norm", nhwc);
        return List.of(c.op(path, "to_nchw", "Transpose", a(attrs("perm", 0, 3, 1, 2)), n));
    }

    /**
     * {@code torch.roll(x, shift, axis)} on an axis of length n: the last k = shift mod n elements,
     * then the others.
     */
    static String roll(
            ExportContext c, String path, String label, String x, long shift, long n, int axis) {
        long k = Shifts.split(shift, n);
        if (k == 0) {
            return x;
        }
        OnnxGraph g = c.graph();
        String tail =
                c.op(path, label + ".tail", "Slice", x, g.ints(n - k), g.ints(n), g.ints(axis));
        String head =
                c.op(path, label + ".head", "Slice", x, g.ints(0), g.ints(n - k), g.ints(axis));
        return c.op(path, label, "Concat", a(attr("axis", (long) axis)), tail, head);
    }

    private static List<String> mixShift(ExportContext c, MixShiftBlock b, String path, String x) {
        int[] chunks = b.getChunks();
        int[] dist = b.getShiftDist();
        long n = b.getResolution();
        String[] xs;
        if (chunks.length == 1) {
            xs = new String[] {x};
        } else {
            long[] sizes = new long[chunks.length];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = chunks[i];
            }
            xs =
                    c.opN(
                            path,
                            "chunk",
                            "Split",
                            chunks.length,
                            a(attr("axis", 1L)),
                            x,
                            c.graph().ints(sizes));
        }
        String[] lr = new String[chunks.length];
        String[] td = new String[chunks.length];
        for (int i = 0; i < chunks.length; i++) {
            String w = roll(c, path, "roll_w." + i, xs[i], dist[i], n, 3); // (B, c_i, H, W)
            String h = roll(c, path, "roll_h." + i, xs[i], dist[i], n, 2); // (B, c_i, H, W)
            lr[i] = c.child(b, path, "dwconv_lr." + i, w);
            td[i] = c.child(b, path, "dwconv_td." + i, h);
        }
        String u =
                c.op(
                        path,
                        "mix",
                        "Add",
                        c.op(path, "cat_lr", "Concat", a(attr("axis", 1L)), lr),
                        c.op(path, "cat_td", "Concat", a(attr("axis", 1L)), td));
        u = c.op(path, "to_nhwc", "Transpose", a(attrs("perm", 0, 2, 3, 1)), u);
        u = c.child(b, path, "norm", u);
        u = c.child(b, path, "pwconv1", u);
        u = c.gelu(ExportContext.join(path, "act"), u);
        u = c.child(b, path, "pwconv2", u);
        u = c.op(path, "gamma.mul", "Mul", u, c.param(b.getGamma()));
        u = c.op(path, "to_nchw", "Transpose", a(attrs("perm", 0, 3, 1, 2)), u);
        return List.of(c.op(path, "residual", "Add", x, u));
    }
}
