package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.mlpzoo.blocks.raftmlp.CrossScaleEmbedding;
import ai.mlpzoo.blocks.raftmlp.RaftHead;
import ai.mlpzoo.blocks.raftmlp.RaftLevel;
import ai.mlpzoo.blocks.raftmlp.RaftMlp;
import ai.mlpzoo.blocks.raftmlp.RaftMlpBranch;
import ai.mlpzoo.blocks.raftmlp.RaftSubBlock;
import java.util.ArrayList;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * The ONNX emitters of RaftMLP's blocks ({@link ai.mlpzoo.blocks.raftmlp}), registered with {@link
 * Emitters} by one {@link #register()} call. The einops rearranges are {@code Reshape} (batch
 * copied with 0) and {@code Transpose}; the cross-scale unfold is the same cell-grid construction
 * as {@link ai.mlpzoo.blocks.common.Unfold}: {@code Pad}, m² {@code Slice}s, {@code Concat}.
 */
final class RaftMlpEmitters {

    private RaftMlpEmitters() {}

    /** Registers every RaftMLP emitter. */
    static void register() {
        Emitters.register(RaftMlp.class, RaftMlpEmitters::model);
        Emitters.register(RaftLevel.class, RaftMlpEmitters::level);
        Emitters.register(CrossScaleEmbedding.class, RaftMlpEmitters::crossScale);
        Emitters.register(RaftSubBlock.class, RaftMlpEmitters::subBlock);
        Emitters.register(RaftMlpBranch.class, RaftMlpEmitters::branch);
        Emitters.register(RaftHead.class, RaftMlpEmitters::head);
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

    private static List<String> model(ExportContext c, RaftMlp b, String path, String x) {
        List<String> maps = new ArrayList<>();
        String h = x;
        for (int i = 0; i < b.getLevels().size(); i++) {
            h = c.child(b, path, "levels." + i, h);
            maps.add(h);
        }
        String pre;
        if (!b.isShortcut()) {
            pre = c.child(b, path, "heads.0", maps.get(maps.size() - 1));
        } else {
            long d = b.getLastDim();
            OnnxGraph g = c.graph();
            pre = c.child(b, path, "heads." + (maps.size() - 1), maps.get(maps.size() - 1));
            for (int k = maps.size() - 2; k >= 0; k--) {
                String o = c.child(b, path, "heads." + k, maps.get(k)); // (B, 2D)
                String scale =
                        c.op(path, "scale." + k, "Slice", o, g.ints(0), g.ints(d), g.ints(1));
                String shift =
                        c.op(path, "shift." + k, "Slice", o, g.ints(d), g.ints(2 * d), g.ints(1));
                pre =
                        c.op(
                                path,
                                "combine." + k,
                                "Add",
                                c.op(path, "scaled." + k, "Mul", scale, pre),
                                shift);
            }
        }
        return List.of(c.child(b, path, "classifier", pre), pre);
    }

    private static List<String> level(ExportContext c, RaftLevel b, String path, String x) {
        long g = b.getGrid();
        long p = b.getPatch();
        long cin = b.getInChannels();
        String t;
        if (b.isCross()) {
            t = c.child(b, path, "fn.0", x);
        } else {
            String patches = reshape(c, path, "patches", x, 0, cin, g, p, g, p);
            patches = transpose(c, path, "patches.order", patches, 0, 2, 4, 3, 5, 1);
            patches = reshape(c, path, "patches.flat", patches, 0, g * g, p * p * cin);
            t = c.child(b, path, "fn.1", patches);
        }
        for (int j = 0; j < b.getBlocks().size(); j++) {
            t = c.child(b, path, "fn." + (j + 2), t);
        }
        String map = reshape(c, path, "to_pixel", t, 0, g, g, b.getDim());
        return List.of(transpose(c, path, "to_pixel.nchw", map, 0, 3, 1, 2));
    }

    private static List<String> crossScale(
            ExportContext c, CrossScaleEmbedding b, String path, String x) {
        OnnxGraph g = c.graph();
        long s = b.getStride();
        long cin = b.getInChannels();
        long size = b.getSize();
        long l = size / s;
        List<String> windows = new ArrayList<>();
        for (int k : b.getKernels()) {
            String lbl = "unfold" + k;
            long pad = (k - s) / 2;
            long m = k / s;
            String xp =
                    pad == 0
                            ? x
                            : c.op(
                                    path,
                                    lbl + ".pad",
                                    "Pad",
                                    x,
                                    g.ints(0, 0, pad, pad, 0, 0, pad, pad));
            long cells = (size + k - s) / s;
            String grid = reshape(c, path, lbl + ".cells", xp, 0, cin, cells, s, cells, s);
            List<String> parts = new ArrayList<>();
            for (long bi = 0; bi < m; bi++) {
                for (long bj = 0; bj < m; bj++) {
                    String part =
                            c.op(
                                    path,
                                    lbl + ".slice",
                                    "Slice",
                                    grid,
                                    g.ints(bi, bj),
                                    g.ints(bi + l, bj + l),
                                    g.ints(2, 4));
                    parts.add(c.op(path, lbl + ".unsqueeze", "Unsqueeze", part, g.ints(2)));
                }
            }
            String stacked =
                    c.op(
                            path,
                            lbl + ".stack",
                            "Concat",
                            a(attr("axis", 2L)),
                            parts.toArray(String[]::new));
            stacked = reshape(c, path, lbl + ".split", stacked, 0, cin, m, m, l, s, l, s);
            stacked = transpose(c, path, lbl + ".order", stacked, 0, 4, 6, 1, 2, 5, 3, 7);
            windows.add(reshape(c, path, lbl + ".rows", stacked, 0, l * l, cin * k * k));
        }
        String all =
                c.op(path, "concat", "Concat", a(attr("axis", 2L)), windows.toArray(String[]::new));
        return List.of(c.child(b, path, "fc", all));
    }

    private static List<String> subBlock(ExportContext c, RaftSubBlock b, String path, String x) {
        long d = b.getDim();
        long r = b.getRafts();
        long g = d / r;
        long h = b.getH();
        long w = b.getW();
        String v = reshape(c, path, "shrink", x, 0, h, w, r, g);
        v = transpose(c, path, "shrink.order", v, 0, 4, 2, 3, 1);
        v = reshape(c, path, "shrink.flat", v, 0, g * w, r * h);
        v = c.child(b, path, "1", v);
        v = reshape(c, path, "turn", v, 0, g, w, r, h);
        v = transpose(c, path, "turn.order", v, 0, 1, 4, 3, 2);
        v = reshape(c, path, "turn.flat", v, 0, g * h, r * w);
        v = c.child(b, path, "3", v);
        v = reshape(c, path, "expand", v, 0, g, h, r, w);
        v = transpose(c, path, "expand.order", v, 0, 2, 4, 3, 1);
        v = reshape(c, path, "expand.flat", v, 0, h * w, d);
        return List.of(c.child(b, path, "5", v));
    }

    private static List<String> branch(ExportContext c, RaftMlpBranch b, String path, String x) {
        String u;
        if (b.isRaft()) {
            long d = b.getChannels();
            long r = b.getRafts();
            long g = d / r;
            long o1 = b.getOther();
            long o2 = b.getMixed();
            u = reshape(c, path, "norm.in", x, 0, g, o1, r, o2);
            u = transpose(c, path, "norm.in.order", u, 0, 2, 4, 1, 3);
            u = reshape(c, path, "norm.in.flat", u, 0, o1 * o2, d);
            u = c.child(b, path, "norm.1", u);
            u = reshape(c, path, "norm.out", u, 0, o1, o2, g, r);
            u = transpose(c, path, "norm.out.order", u, 0, 3, 1, 4, 2);
            u = reshape(c, path, "norm.out.flat", u, 0, g * o1, r * o2);
        } else {
            u = c.child(b, path, "norm", x);
        }
        u = c.child(b, path, "fn.0", u);
        u = c.gelu(ExportContext.join(path, "act"), u);
        u = c.child(b, path, "fn.3", u);
        return List.of(c.op(path, "residual", "Add", u, x));
    }

    private static List<String> head(ExportContext c, RaftHead b, String path, String x) {
        String t = c.op(path, "tokens", "Reshape", x, c.graph().ints(0, 0, -1)); // (B, D, h·w)
        t = transpose(c, path, "tokens.T", t, 0, 2, 1);
        t = c.child(b, path, "1", t);
        String pooled =
                c.op(path, "pool", "ReduceMean", a(attrs("axes", 1), attr("keepdims", 0L)), t);
        return List.of(b.hasProjection() ? c.child(b, path, "4", pooled) : pooled);
    }
}
