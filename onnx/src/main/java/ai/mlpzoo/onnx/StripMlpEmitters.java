package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.BatchNorm2d;
import ai.mlpzoo.blocks.stripmlp.StripBlock;
import ai.mlpzoo.blocks.stripmlp.StripMixing;
import ai.mlpzoo.blocks.stripmlp.StripMlp;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * The ONNX emitters of Strip-MLP's blocks ({@link ai.mlpzoo.blocks.stripmlp}) and of {@link
 * BatchNorm2d}, registered with {@link Emitters} by one {@link #register()} call. The grouped strip
 * convolutions are {@code Conv} with {@code group}, on the same reshaped views as the blocks; the
 * relative-position tables are a {@code Gather} with constant rows; GRN's norm is {@code ReduceL2}.
 */
final class StripMlpEmitters {

    private StripMlpEmitters() {}

    /** Registers every Strip-MLP emitter and BatchNorm2d's. */
    static void register() {
        Emitters.register(BatchNorm2d.class, StripMlpEmitters::batchNorm);
        Emitters.register(StripMlp.class, StripMlpEmitters::model);
        Emitters.register(StripBlock.class, StripMlpEmitters::block);
        Emitters.register(StripMixing.class, StripMlpEmitters::mixing);
    }

    private static AttributeProto[] a(AttributeProto... v) {
        return v;
    }

    private static String reshape(
            ExportContext c, String path, String label, String x, long... dims) {
        return c.op(path, label, "Reshape", x, c.graph().ints(dims));
    }

    private static String transpose(
            ExportContext c, String path, String label, String x, long... perm) {
        return c.op(path, label, "Transpose", a(attrs("perm", perm)), x);
    }

    private static List<String> batchNorm(ExportContext c, BatchNorm2d b, String path, String x) {
        Parameter[] p = b.getParametersInOrder();
        return List.of(
                c.op(
                        path,
                        "BatchNormalization",
                        "BatchNormalization",
                        a(attr("epsilon", b.getEps())),
                        x,
                        c.param(p[0]),
                        c.param(p[1]),
                        c.param(p[2]),
                        c.param(p[3])));
    }

    private static String stage(ExportContext c, StripMlp b, String path, int s, String x) {
        for (int j = 0; j < b.getStage(s).size(); j++) {
            x = c.child(b, path, "blocks" + (s + 1) + "." + j, x);
        }
        return x;
    }

    private static List<String> model(ExportContext c, StripMlp b, String path, String x) {
        String h = c.child(b, path, "patch_embed", x);
        h = stage(c, b, path, 0, h);
        h = c.child(b, path, "merging1", h);
        String s114 = c.child(b, path, "conv_s1_28", h);
        String s17 = c.child(b, path, "conv_s1_14", s114);
        h = stage(c, b, path, 1, h);
        h = c.child(b, path, "merging2", h);
        String s27 = c.child(b, path, "conv_s2_14", h);
        h = stage(c, b, path, 2, c.op(path, "shortcut1", "Add", h, s114));
        h = c.child(b, path, "merging3", h);
        h = c.op(path, "shortcut2", "Add", c.op(path, "shortcut2a", "Add", h, s17), s27);
        h = stage(c, b, path, 3, h);
        h = c.child(b, path, "norm", h);
        String pooled =
                c.op(path, "pool", "ReduceMean", a(attrs("axes", 2, 3), attr("keepdims", 0L)), h);
        return List.of(c.child(b, path, "head", pooled), pooled);
    }

    private static List<String> block(ExportContext c, StripBlock b, String path, String x) {
        String t = c.child(b, path, "token_mixing.dwsc.conv_merge.BN", x);
        t = c.gelu(ExportContext.join(path, "token_mixing.act"), t);
        t = c.child(b, path, "token_mixing.dwsc.conv_merge.Conv", t);
        t = c.child(b, path, "token_mixing.smlp_block", t);
        String h = c.op(path, "residual1", "Add", x, t);
        String u = c.child(b, path, "channel_mixing.conv_77", h);
        u = transpose(c, path, "to_nhwc", u, 0, 2, 3, 1);
        u = c.child(b, path, "channel_mixing.layer_norm", u);
        u = c.child(b, path, "channel_mixing.fc1", u);
        u = c.gelu(ExportContext.join(path, "channel_mixing.act"), u);
        Parameter[] grn = b.getGrn();
        String g =
                c.op(path, "grn.l2", "ReduceL2", a(attrs("axes", 1, 2), attr("keepdims", 1L)), u);
        String mean =
                c.op(path, "grn.mean", "ReduceMean", a(attrs("axes", 3), attr("keepdims", 1L)), g);
        String nx =
                c.op(
                        path,
                        "grn.nx",
                        "Div",
                        g,
                        c.op(path, "grn.eps", "Add", mean, c.graph().scalar(1e-6f)));
        String scaled =
                c.op(
                        path,
                        "grn.gamma",
                        "Mul",
                        c.param(grn[0]),
                        c.op(path, "grn.unx", "Mul", u, nx));
        u = c.op(path, "grn.out", "Add", c.op(path, "grn.beta", "Add", scaled, c.param(grn[1])), u);
        u = c.child(b, path, "channel_mixing.fc2", u);
        u = transpose(c, path, "to_nchw", u, 0, 3, 1, 2);
        return List.of(c.op(path, "residual2", "Add", h, u));
    }

    private static String position(
            ExportContext c, StripMixing b, String path, String label, Parameter table) {
        long h = b.getSize();
        String rows =
                c.op(
                        path,
                        label + ".gather",
                        "Gather",
                        a(attr("axis", 0L)),
                        c.param(table),
                        c.graph().ints(StripMixing.positionRows(b.getSize())));
        String grid = reshape(c, path, label + ".grid", rows, 1, h, h, b.getChannels() / 2);
        return transpose(c, path, label + ".nchw", grid, 0, 3, 1, 2);
    }

    private static List<String> mixing(ExportContext c, StripMixing b, String path, String x) {
        OnnxGraph g = c.graph();
        long half = b.getChannels() / 2;
        long cg = b.getGroups();
        long c1 = half / cg;
        long h = b.getSize();
        String u = c.child(b, path, "mlp.0", x);
        u = c.gelu(ExportContext.join(path, "mlp.act"), c.child(b, path, "mlp.1", u));
        String x1 = c.op(path, "x1", "Slice", u, g.ints(0), g.ints(half), g.ints(1));
        String x2 = c.op(path, "x2", "Slice", u, g.ints(half), g.ints(2 * half), g.ints(1));
        // the strip mixing of x1
        Parameter[] tables = b.getPositionTables();
        String xh = c.op(path, "pos_h.add", "Add", x1, position(c, b, path, "pos_h", tables[0]));
        xh = reshape(c, path, "strip_h.in", xh, 0, c1, cg, h, h);
        xh = transpose(c, path, "strip_h.in.order", xh, 0, 2, 4, 1, 3);
        xh = reshape(c, path, "strip_h.in.flat", xh, 0, cg * h, c1, h);
        xh = c.child(b, path, "proj_h", xh);
        xh = reshape(c, path, "strip_h.out", xh, 0, cg, h, c1, h);
        xh = transpose(c, path, "strip_h.out.order", xh, 0, 3, 1, 4, 2);
        xh = reshape(c, path, "strip_h.out.flat", xh, 0, half, h, h);
        xh = c.child(b, path, "fuse_h", c.op(path, "cat_h", "Concat", a(attr("axis", 1L)), xh, x1));
        xh = c.gelu(ExportContext.join(path, "strip.act"), c.child(b, path, "BN", xh));
        xh = c.op(path, "pos_w.add", "Add", xh, position(c, b, path, "pos_w", tables[1]));
        String xw = reshape(c, path, "strip_w.in", xh, 0, c1, cg * h, h);
        xw = transpose(c, path, "strip_w.in.order", xw, 0, 2, 1, 3);
        xw = c.child(b, path, "proj_w", xw);
        xw = transpose(c, path, "strip_w.out.order", xw, 0, 2, 1, 3);
        xw = reshape(c, path, "strip_w.out.flat", xw, 0, half, h, h);
        String s1 =
                c.child(
                        b,
                        path,
                        "fuse_w",
                        c.op(path, "cat_w", "Concat", a(attr("axis", 1L)), x1, xw));
        // the local strip mixing of x2
        String fa = c.child(b, path, "fc_h", x2);
        String fb = c.child(b, path, "fc_w", x2);
        String sum = c.op(path, "att.sum", "Add", c.op(path, "att.sum0", "Add", fb, fa), x2);
        String att =
                c.op(
                        path,
                        "att.pool",
                        "ReduceMean",
                        a(attrs("axes", 2, 3), attr("keepdims", 1L)),
                        sum);
        att =
                c.gelu(
                        ExportContext.join(path, "reweight.act"),
                        c.child(b, path, "reweight.fc1", att));
        att = c.child(b, path, "reweight.fc2", att);
        att = reshape(c, path, "att.split", att, 0, half, 3);
        att = c.op(path, "att.softmax", "Softmax", a(attr("axis", 2L)), att);
        String[] w = new String[3];
        for (int k = 0; k < 3; k++) {
            String wk = c.op(path, "att.w" + k, "Slice", att, g.ints(k), g.ints(k + 1), g.ints(2));
            w[k] = c.op(path, "att.w" + k + ".map", "Unsqueeze", wk, g.ints(3));
        }
        String s2 = c.op(path, "mix.b", "Mul", fb, w[0]);
        s2 = c.op(path, "mix.a", "Add", s2, c.op(path, "mix.a.mul", "Mul", fa, w[1]));
        s2 = c.op(path, "mix.x", "Add", s2, c.op(path, "mix.x.mul", "Mul", x2, w[2]));
        return List.of(
                c.child(b, path, "fuse", c.op(path, "cat", "Concat", a(attr("axis", 1L)), s1, s2)));
    }
}
