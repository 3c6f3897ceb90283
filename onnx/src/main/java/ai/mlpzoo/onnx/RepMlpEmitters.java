package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.mlpzoo.blocks.repmlp.ConvBn;
import ai.mlpzoo.blocks.repmlp.FfnBlock;
import ai.mlpzoo.blocks.repmlp.GlobalPerceptron;
import ai.mlpzoo.blocks.repmlp.RepMlpBlock;
import ai.mlpzoo.blocks.repmlp.RepMlpNet;
import ai.mlpzoo.blocks.repmlp.RepMlpUnit;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;

/**
 * The ONNX emitters of RepMLPNet's blocks ({@link ai.mlpzoo.blocks.repmlp}), training and deploy
 * structures, registered with {@link Emitters} by one {@link #register()} call. The partitioned FC
 * is the reference's graph: {@code Reshape} to partitions, {@code Transpose}, a grouped 1×1 {@code
 * Conv}, and the reference's reshape back (its partition order included); the partition counts are
 * static, from the model's input size, and the batch stays dynamic.
 */
final class RepMlpEmitters {

    private RepMlpEmitters() {}

    /** Registers every RepMLPNet emitter. */
    static void register() {
        Emitters.register(RepMlpNet.class, RepMlpEmitters::model);
        Emitters.register(RepMlpUnit.class, RepMlpEmitters::unit);
        Emitters.register(RepMlpBlock.class, RepMlpEmitters::block);
        Emitters.register(GlobalPerceptron.class, RepMlpEmitters::gp);
        Emitters.register(FfnBlock.class, RepMlpEmitters::ffn);
        Emitters.register(ConvBn.class, RepMlpEmitters::convBn);
    }

    private static AttributeProto[] a(AttributeProto... v) {
        return v;
    }

    private static List<String> model(ExportContext c, RepMlpNet b, String path, String x) {
        String h = c.child(b, path, "conv_embedding", x); // (B, C0, H0, W0)
        for (int s = 0; s < b.getStages().size(); s++) {
            for (int j = 0; j < b.getStages().get(s).size(); j++) {
                h = c.child(b, path, "stages." + s + "." + j, h);
            }
            if (s < b.getEmbeds().size()) {
                h = c.child(b, path, "embeds." + s, h);
            }
        }
        h = c.child(b, path, "head_norm", h);
        String pre =
                c.op(path, "pool", "ReduceMean", a(attrs("axes", 2, 3), attr("keepdims", 0L)), h);
        return List.of(c.child(b, path, "head", pre), pre);
    }

    private static List<String> unit(ExportContext c, RepMlpUnit b, String path, String x) {
        String u = c.child(b, path, "prebn1", x);
        String y = c.op(path, "residual1", "Add", x, c.child(b, path, "repmlp_block", u));
        String v = c.child(b, path, "prebn2", y);
        return List.of(c.op(path, "residual2", "Add", y, c.child(b, path, "ffn_block", v)));
    }

    private static List<String> ffn(ExportContext c, FfnBlock b, String path, String x) {
        String y = c.child(b, path, "ffn_fc1", x);
        y = c.gelu(ExportContext.join(path, "act"), y);
        return List.of(c.child(b, path, "ffn_fc2", y));
    }

    private static List<String> convBn(ExportContext c, ConvBn b, String path, String x) {
        String y = c.child(b, path, "bn", c.child(b, path, "conv", x));
        return List.of(b.hasRelu() ? c.op(path, "relu", "Relu", y) : y);
    }

    private static List<String> gp(ExportContext c, GlobalPerceptron b, String path, String x) {
        String v =
                c.op(path, "pool", "ReduceMean", a(attrs("axes", 2, 3), attr("keepdims", 1L)), x);
        v = c.op(path, "relu", "Relu", c.child(b, path, "fc1", v));
        return List.of(c.op(path, "sigmoid", "Sigmoid", c.child(b, path, "fc2", v)));
    }

    private static List<String> block(ExportContext c, RepMlpBlock b, String path, String x) {
        long mapH = b.getMapH();
        long mapW = b.getMapW();
        if (mapH == 0 || mapW == 0) {
            throw new UnsupportedBlockException(
                    b.getClass().getName(),
                    path,
                    "a RepMLP block exports inside its RepMlpNet only (the partition counts come"
                            + " from the model's input size)");
        }
        long ch = b.getChannels();
        long h = b.getH();
        long w = b.getW();
        long s = b.getSharesets();
        long hp = mapH / h;
        long wp = mapW / w;
        OnnxGraph g = c.graph();
        String gate = c.child(b, path, "gp", x); // (B, C, 1, 1)
        String parts =
                c.op(
                        path,
                        "partition",
                        "Transpose",
                        a(attrs("perm", 0, 2, 4, 1, 3, 5)),
                        c.op(path, "split", "Reshape", x, g.ints(-1, ch, hp, h, wp, w)));
        String rows = c.op(path, "rows", "Reshape", parts, g.ints(-1, s * h * w, 1, 1));
        String out = c.child(b, path, "fc3", rows); // (R, S·h·w, 1, 1)
        out = c.op(path, "fc3.out", "Reshape", out, g.ints(-1, s, h, w)); // (R, S, h, w)
        if (!b.isDeploy()) {
            out = c.child(b, path, "fc3_bn", out);
            String convIn = c.op(path, "conv_in", "Reshape", parts, g.ints(-1, s, h, w));
            for (Map.Entry<Integer, ConvBn> e : b.getRepconv()) {
                String br = c.child(b, path, "repconv" + e.getKey(), convIn);
                out = c.op(path, "add_repconv" + e.getKey(), "Add", out, br);
            }
        }
        // the reference's reshape back, which re-reads the rows as (B·C/S, hp, wp)
        String back =
                c.op(
                        path,
                        "merge",
                        "Transpose",
                        a(attrs("perm", 0, 3, 1, 4, 2, 5)),
                        c.op(path, "unrows", "Reshape", out, g.ints(-1, hp, wp, s, h, w)));
        back = c.op(path, "image", "Reshape", back, g.ints(-1, ch, mapH, mapW));
        return List.of(c.op(path, "gate", "Mul", back, gate));
    }
}
