package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.djl.nn.Block;
import ai.mlpzoo.blocks.metaformer.ChannelNorm;
import ai.mlpzoo.blocks.metaformer.ConvMlp;
import ai.mlpzoo.blocks.metaformer.Downsampling;
import ai.mlpzoo.blocks.metaformer.MetaFormer;
import ai.mlpzoo.blocks.metaformer.MetaFormerBlock;
import ai.mlpzoo.blocks.metaformer.MetaFormerStage;
import ai.mlpzoo.blocks.metaformer.Scale;
import ai.mlpzoo.blocks.metaformer.StarReLU;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * The emitters of the MetaFormer (PoolFormer) blocks, registered with {@link Emitters} by one call
 * to {@link #register()}. The pooling token mixer is ONNX's {@code AveragePool} with {@code
 * count_include_pad=0}, the same operation as the blocks' {@code AvgPoolExcludePad}.
 */
final class MetaFormerEmitters {

    private MetaFormerEmitters() {}

    /** Registers every MetaFormer block's emitter. */
    static void register() {
        Emitters.register(MetaFormer.class, MetaFormerEmitters::metaFormer);
        Emitters.register(MetaFormerStage.class, MetaFormerEmitters::stage);
        Emitters.register(MetaFormerBlock.class, MetaFormerEmitters::block);
        Emitters.register(Downsampling.class, MetaFormerEmitters::downsampling);
        Emitters.register(ChannelNorm.class, MetaFormerEmitters::channelNorm);
        Emitters.register(ConvMlp.class, MetaFormerEmitters::convMlp);
        Emitters.register(Scale.class, MetaFormerEmitters::scale);
        Emitters.register(StarReLU.class, MetaFormerEmitters::starRelu);
    }

    private static AttributeProto[] a(AttributeProto... attrs) {
        return attrs;
    }

    private static List<String> metaFormer(ExportContext c, MetaFormer b, String path, String x) {
        String h = c.child(b, path, "stem", x);
        for (int s = 0; s < b.getStages().size(); s++) {
            h = c.child(b, path, "stages." + s, h);
        }
        String pooled =
                c.op(path, "pool", "ReduceMean", a(attrs("axes", 2, 3), attr("keepdims", 1L)), h);
        String normed = c.child(b, path, "head.norm", pooled); // (B, C, 1, 1)
        String pre = c.op(path, "flatten", "Flatten", a(attr("axis", 1L)), normed); // (B, C)
        String logits = c.child(b, path, "head.fc", pre);
        return List.of(logits, pre);
    }

    private static List<String> stage(ExportContext c, MetaFormerStage b, String path, String x) {
        String h = b.getDownsample() == null ? x : c.child(b, path, "downsample", x);
        for (int j = 0; j < b.getBlocks().size(); j++) {
            h = c.child(b, path, "blocks." + j, h);
        }
        return List.of(h);
    }

    private static List<String> block(ExportContext c, MetaFormerBlock b, String path, String x) {
        long k = b.getPoolSize();
        long p = k / 2;
        String n = c.child(b, path, "norm1", x);
        String pooled =
                c.op(
                        path,
                        "token_mixer.pool",
                        "AveragePool",
                        a(
                                attrs("kernel_shape", k, k),
                                attrs("strides", 1, 1),
                                attrs("pads", p, p, p, p),
                                attr("count_include_pad", 0L)),
                        n);
        String t = c.op(path, "token_mixer.sub", "Sub", pooled, n);
        String h = residual(c, b, path, "1", x, t);
        String m = c.child(b, path, "mlp", c.child(b, path, "norm2", h));
        return List.of(residual(c, b, path, "2", h, m));
    }

    /** res_scale{i}(x) + layer_scale{i}(branch), each scale the identity when absent. */
    private static String residual(
            ExportContext c, Block b, String path, String i, String x, String branch) {
        Block layer = ExportContext.findChild(b, "layer_scale" + i);
        String br = layer == null ? branch : c.child(b, path, "layer_scale" + i, branch);
        Block res = ExportContext.findChild(b, "res_scale" + i);
        String r = res == null ? x : c.child(b, path, "res_scale" + i, x);
        return c.op(path, "residual" + i, "Add", r, br);
    }

    private static List<String> downsampling(
            ExportContext c, Downsampling b, String path, String x) {
        boolean hasNorm = ExportContext.findChild(b, "norm") != null;
        String h = x;
        if (hasNorm && b.isNormFirst()) {
            h = c.child(b, path, "norm", h);
        }
        h = c.child(b, path, "conv", h);
        if (hasNorm && !b.isNormFirst()) {
            h = c.child(b, path, "norm", h);
        }
        return List.of(h);
    }

    /** A (C,) parameter as (C, 1, 1), to broadcast over (B, C, H, W). */
    private static String perChannel(ExportContext c, Block b, String path, String name) {
        return c.op(
                path,
                name + ".per_channel",
                "Reshape",
                c.param(b, path, name),
                c.graph().ints(-1, 1, 1));
    }

    private static List<String> channelNorm(ExportContext c, ChannelNorm b, String path, String x) {
        AttributeProto axes = b.getType().wholeSample() ? attrs("axes", 1, 2, 3) : attrs("axes", 1);
        String mean = c.op(path, "mean", "ReduceMean", a(axes, attr("keepdims", 1L)), x);
        String d = c.op(path, "centred", "Sub", x, mean);
        String var =
                c.op(
                        path,
                        "var",
                        "ReduceMean",
                        a(axes, attr("keepdims", 1L)),
                        c.op(path, "sq", "Mul", d, d));
        String std =
                c.op(
                        path,
                        "std",
                        "Sqrt",
                        c.op(path, "var_eps", "Add", var, c.graph().scalar(b.getType().eps())));
        String y = c.op(path, "normed", "Div", d, std);
        y = c.op(path, "weight.mul", "Mul", y, perChannel(c, b, path, "weight"));
        if (b.getType().hasBias()) {
            y = c.op(path, "bias.add", "Add", y, perChannel(c, b, path, "bias"));
        }
        return List.of(y);
    }

    private static List<String> convMlp(ExportContext c, ConvMlp b, String path, String x) {
        String h = c.child(b, path, "fc1", x);
        h =
                b.getAct() == ConvMlp.Act.STAR_RELU
                        ? c.child(b, path, "act", h)
                        : c.gelu(ExportContext.join(path, "act"), h);
        return List.of(c.child(b, path, "fc2", h));
    }

    private static List<String> scale(ExportContext c, Scale b, String path, String x) {
        return List.of(c.op(path, "mul", "Mul", x, perChannel(c, b, path, "scale")));
    }

    private static List<String> starRelu(ExportContext c, StarReLU b, String path, String x) {
        String r = c.op(path, "relu", "Relu", x);
        String sq = c.op(path, "sq", "Mul", r, r);
        String s = c.op(path, "scale.mul", "Mul", sq, c.param(b, path, "scale"));
        return List.of(c.op(path, "bias.add", "Add", s, c.param(b, path, "bias")));
    }
}
