package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.djl.nn.Block;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.timeseries.FeatureBatchNorm;
import ai.mlpzoo.blocks.timeseries.TrailingLayerNorm;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.PatchAttention;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.PatchTsMixer;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.PatchTsMixerBlock;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.PatchTsMixerLayer;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.PositionalEncoding;
import ai.mlpzoo.blocks.timeseries.tsmixer.FeatureMixing;
import ai.mlpzoo.blocks.timeseries.tsmixer.MixerLayer;
import ai.mlpzoo.blocks.timeseries.tsmixer.TimeMixing;
import ai.mlpzoo.blocks.timeseries.tsmixer.TsMixer;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * ONNX emitters of the time-series forecasters (issue 15): Google's TSMixer and PatchTSMixer, with
 * their norms. Each reproduces the block's inference forward (running statistics, no dropout);
 * every graph takes {@code input} (batch, context, channels) and gives {@code output} (batch,
 * horizon, channels). Registered by {@link #registerAll()}, one call from {@link Emitters}.
 */
final class TimeSeriesEmitters {

    private TimeSeriesEmitters() {}

    /** Registers every time-series emitter. */
    static void registerAll() {
        Emitters.register(FeatureBatchNorm.class, TimeSeriesEmitters::batchNorm);
        Emitters.register(TrailingLayerNorm.class, TimeSeriesEmitters::layerNorm);
        // Google TSMixer
        Emitters.register(TsMixer.class, TimeSeriesEmitters::tsMixer);
        Emitters.register(MixerLayer.class, TimeSeriesEmitters::mixerLayer);
        Emitters.register(TimeMixing.class, TimeSeriesEmitters::timeMixing);
        Emitters.register(FeatureMixing.class, TimeSeriesEmitters::featureMixing);
        // PatchTSMixer
        Emitters.register(PatchTsMixer.class, TimeSeriesEmitters::patchTsMixer);
        Emitters.register(PatchTsMixerLayer.class, TimeSeriesEmitters::patchTsMixerLayer);
        Emitters.register(PatchTsMixerBlock.class, TimeSeriesEmitters::patchTsMixerBlock);
        Emitters.register(PatchAttention.class, TimeSeriesEmitters::patchAttention);
        Emitters.register(PositionalEncoding.class, TimeSeriesEmitters::positionalEncoding);
    }

    private static List<String> one(String v) {
        return List.of(v);
    }

    private static AttributeProto[] a(AttributeProto... attrs) {
        return attrs;
    }

    private static String transpose(
            ExportContext c, String path, String label, String x, long... perm) {
        return c.op(path, label, "Transpose", a(attrs("perm", perm)), x);
    }

    private static String act(ExportContext c, String path, BaseActivation act, String x) {
        return act == BaseActivation.GELU ? c.gelu(path, x) : c.op(path, "relu", "Relu", x);
    }

    // ---------------------------------------------------------------- norms

    /** (x - running_mean) / sqrt(running_var + eps) * weight + bias, over the last axis. */
    private static List<String> batchNorm(
            ExportContext c, FeatureBatchNorm b, String path, String x) {
        String centred = c.op(path, "sub_mean", "Sub", x, c.param(b, path, "running_mean"));
        String var =
                c.op(
                        path,
                        "var_eps",
                        "Add",
                        c.param(b, path, "running_var"),
                        c.graph().scalar(b.getEpsilon()));
        String normed = c.op(path, "div_std", "Div", centred, c.op(path, "std", "Sqrt", var));
        String scaled = c.op(path, "mul_weight", "Mul", normed, c.param(b, path, "weight"));
        return one(c.op(path, "add_bias", "Add", scaled, c.param(b, path, "bias")));
    }

    /**
     * LayerNormalization over the trailing axes the affine shape covers. Several axes (TSMixer's
     * (S, C)) are flattened into one first: ONNX Runtime fuses a preceding Add into
     * SkipLayerNormalization, which takes a one-dimensional gamma only.
     */
    private static List<String> layerNorm(
            ExportContext c, TrailingLayerNorm b, String path, String x) {
        long[] dims = b.getNormalizedShape().getShape();
        String w = c.param(b, path, "weight");
        String bias = c.param(b, path, "bias");
        AttributeProto[] at = a(attr("axis", -1L), attr("epsilon", b.getEpsilon()));
        if (dims.length == 1) {
            return one(c.op(path, "LayerNormalization", "LayerNormalization", at, x, w, bias));
        }
        long n = b.getNormalizedShape().size();
        long[] lead = new long[dims.length + 1]; // (0, d1, d2, ...): 0 keeps the batch
        System.arraycopy(dims, 0, lead, 1, dims.length);
        String flat = c.op(path, "flatten", "Reshape", x, c.graph().ints(0, n));
        String w1 = c.op(path, "weight_flat", "Reshape", w, c.graph().ints(n));
        String b1 = c.op(path, "bias_flat", "Reshape", bias, c.graph().ints(n));
        String y = c.op(path, "LayerNormalization", "LayerNormalization", at, flat, w1, b1);
        return one(c.op(path, "unflatten", "Reshape", y, c.graph().ints(lead)));
    }

    // ---------------------------------------------------------------- Google TSMixer

    /** A TSMixer norm on (B, S, C): the batch norm on the flattened S*C values. */
    private static String windowNorm(
            ExportContext c, Block parent, String path, String name, String x, long s, long ch) {
        Block norm = c.requireChild(parent, path, name);
        String p = ExportContext.join(path, name);
        if (!(norm instanceof FeatureBatchNorm)) {
            return c.emit1(norm, p, x);
        }
        String flat = c.op(p, "flatten", "Reshape", x, c.graph().ints(0, s * ch));
        return c.op(p, "unflatten", "Reshape", c.emit1(norm, p, flat), c.graph().ints(0, s, ch));
    }

    private static List<String> tsMixer(ExportContext c, TsMixer b, String path, String x) {
        String h = x; // (B, S, C)
        String mean = null; // (B, 1, C)
        String std = null; // (B, 1, C)
        String rp = ExportContext.join(path, "rev_in");
        if (b.getRevIn() != null) {
            // RevIN: per sample and channel over time, eps 1e-5, affine
            OnnxGraph g = c.graph();
            AttributeProto time = attrs("axes", 1);
            mean = c.op(rp, "mean", "ReduceMean", new AttributeProto[] {time}, x);
            String centred = c.op(rp, "centre", "Sub", x, mean); // (B, S, C)
            String sq = c.op(rp, "sq", "Mul", centred, centred);
            String var = c.op(rp, "var", "ReduceMean", new AttributeProto[] {time}, sq);
            std = c.op(rp, "std", "Sqrt", c.op(rp, "var.eps", "Add", var, g.scalar(1e-5f)));
            h = c.op(rp, "div", "Div", centred, std);
            h = c.op(rp, "affine.mul", "Mul", h, c.param(b.getRevIn(), rp, "affine_weight"));
            h = c.op(rp, "affine.add", "Add", h, c.param(b.getRevIn(), rp, "affine_bias"));
        }
        for (int i = 0; i < b.getLayers().size(); i++) {
            h = c.child(b, path, "mixer_layers." + i, h);
        }
        String t = c.transpose021(path, "time_last", h); // (B, C, S)
        String y = c.child(b, path, "temporal_projection", t); // (B, C, H)
        String out = c.transpose021(path, "horizon_first", y); // (B, H, C)
        if (b.getRevIn() != null) {
            OnnxGraph g = c.graph();
            out = c.op(rp, "denorm.sub", "Sub", out, c.param(b.getRevIn(), rp, "affine_bias"));
            String w = c.param(b.getRevIn(), rp, "affine_weight");
            out =
                    c.op(
                            rp,
                            "denorm.div",
                            "Div",
                            out,
                            c.op(rp, "denorm.eps", "Add", w, g.scalar(1e-10f)));
            out = c.op(rp, "denorm.add", "Add", c.op(rp, "denorm.mul", "Mul", out, std), mean);
        }
        return one(out); // (B, H, C)
    }

    private static List<String> mixerLayer(ExportContext c, MixerLayer b, String path, String x) {
        String h = c.child(b, path, "time_mixing", x);
        return one(c.child(b, path, "feature_mixing", h));
    }

    private static List<String> timeMixing(ExportContext c, TimeMixing b, String path, String x) {
        long s = b.getSteps();
        String t = c.transpose021(path, "time_last", x); // (B, C, S)
        String r = act(c, path, b.getActivation(), c.child(b, path, "fc1", t));
        String res = c.op(path, "residual", "Add", x, c.transpose021(path, "time_back", r));
        return one(windowNorm(c, b, path, "norm", res, s, b.getChannels()));
    }

    private static List<String> featureMixing(
            ExportContext c, FeatureMixing b, String path, String x) {
        long inC = b.getInChannels();
        long outC = b.getOutChannels();
        long s = b.getSteps();
        String p = b.getProjection() == null ? x : c.child(b, path, "projection", x);
        String h = b.getNormBefore() == null ? x : windowNorm(c, b, path, "norm_before", x, s, inC);
        h = act(c, path, b.getActivation(), c.child(b, path, "fc1", h));
        h = c.op(path, "residual", "Add", p, c.child(b, path, "fc2", h));
        return one(b.getNormAfter() == null ? h : windowNorm(c, b, path, "norm_after", h, s, outC));
    }

    // ---------------------------------------------------------------- PatchTSMixer

    private static List<String> patchTsMixer(
            ExportContext c, PatchTsMixer b, String path, String x) {
        long ctx = b.contextLength();
        long ch = b.inputChannels();
        long p = b.getNumPatches();
        long len = b.getPatchLength();
        long stride = b.getPatchStride();
        long d = b.getDModel();
        // scaling over time, per sample and channel: (B, L, C), loc and scale (B, 1, C)
        String xs = x;
        String loc = null;
        String scale = null;
        switch (b.getScaling()) {
            case STD:
                {
                    loc =
                            c.op(
                                    path,
                                    "loc",
                                    "ReduceMean",
                                    a(attrs("axes", 1), attr("keepdims", 1L)),
                                    x);
                    String centred = c.op(path, "centred", "Sub", x, loc);
                    String sq = c.op(path, "squared", "Mul", centred, centred);
                    String var =
                            c.op(
                                    path,
                                    "variance",
                                    "ReduceMean",
                                    a(attrs("axes", 1), attr("keepdims", 1L)),
                                    sq);
                    scale =
                            c.op(
                                    path,
                                    "scale",
                                    "Sqrt",
                                    c.op(path, "var_min", "Add", var, c.graph().scalar(1e-5f)));
                    xs = c.op(path, "scaled", "Div", centred, scale);
                    break;
                }
            case MEAN:
                {
                    String m =
                            c.op(
                                    path,
                                    "abs_mean",
                                    "ReduceMean",
                                    a(attrs("axes", 1), attr("keepdims", 1L)),
                                    c.op(path, "abs", "Abs", x));
                    scale = c.op(path, "scale", "Max", m, c.graph().scalar(1e-10f));
                    xs = c.op(path, "scaled", "Div", x, scale);
                    break;
                }
            default:
                break;
        }
        // patches (B, C, P, len): the first steps dropped, patch i from start + i * stride
        long start = ctx - (len + stride * (p - 1));
        String t = c.transpose021(path, "channels_first", xs); // (B, C, L)
        long[] idx = new long[(int) (p * len)];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < len; j++) {
                idx[(int) (i * len + j)] = start + i * stride + j;
            }
        }
        String steps =
                c.op(path, "patch_steps", "Gather", a(attr("axis", 2L)), t, c.graph().ints(idx));
        String patches = c.op(path, "patches", "Reshape", steps, c.graph().ints(0, ch, p, len));
        String h = c.child(b, path, "model.encoder.patcher", patches); // (B, C, P, D)
        if (b.getPositionalEncoding() != null) {
            h = c.child(b, path, "model.encoder.positional_encoder", h);
        }
        for (int i = 0; i < b.getLayers().size(); i++) {
            h = c.child(b, path, "model.encoder.mlp_mixer_encoder.mixers." + i, h);
        }
        String flat = c.op(path, "head_flatten", "Reshape", h, c.graph().ints(0, ch, p * d));
        String y = c.child(b, path, "head.base_forecast_block", flat); // (B, C, H)
        y = c.transpose021(path, "horizon_first", y); // (B, H, C)
        int[] kept = b.getPredictionChannels();
        if (kept != null) {
            String k = c.graph().ints(java.util.Arrays.stream(kept).asLongStream().toArray());
            y = c.op(path, "kept_channels", "Gather", a(attr("axis", 2L)), y, k);
            if (scale != null) {
                scale = c.op(path, "kept_scale", "Gather", a(attr("axis", 2L)), scale, k);
            }
            if (loc != null) {
                loc = c.op(path, "kept_loc", "Gather", a(attr("axis", 2L)), loc, k);
            }
        }
        if (scale != null) {
            y = c.op(path, "unscale", "Mul", y, scale);
        }
        if (loc != null) {
            y = c.op(path, "unshift", "Add", y, loc);
        }
        return one(y);
    }

    private static List<String> patchTsMixerLayer(
            ExportContext c, PatchTsMixerLayer b, String path, String x) {
        String h = x;
        if (b.getChannelMixer() != null) {
            h = c.child(b, path, "channel_feature_mixer", h);
        }
        h = c.child(b, path, "patch_mixer", h);
        return one(c.child(b, path, "feature_mixer", h));
    }

    private static String normChild(
            ExportContext c, Block b, String path, String prefix, String x) {
        String name = prefix + ".norm";
        if (ExportContext.findChild(b, name) == null) {
            name = prefix + ".norm.batchnorm";
        }
        return c.child(b, path, name, x);
    }

    private static String gate(ExportContext c, PatchTsMixerBlock b, String path, String h) {
        if (b.getGate() == null) {
            return h;
        }
        String w = c.child(b, path, "gating_block.attn_layer", h);
        String soft = c.op(path, "gate_softmax", "Softmax", a(attr("axis", -1L)), w);
        return c.op(path, "gate", "Mul", h, soft);
    }

    private static List<String> patchTsMixerBlock(
            ExportContext c, PatchTsMixerBlock b, String path, String x) {
        String h = normChild(c, b, path, "norm", x); // (B, C, P, D)
        switch (b.getAxis()) {
            case PATCH:
                {
                    String attn = null;
                    if (b.getSelfAttention() != null) {
                        // (B, C, P, D) to (B*C, P, D) and back
                        long d = b.getSelfAttention().getDModel();
                        String shape = c.op(path, "hidden_shape", "Shape", h);
                        String flat =
                                c.op(
                                        path,
                                        "attn_flatten",
                                        "Reshape",
                                        h,
                                        c.graph().ints(-1, b.getSize(), d));
                        String attended = c.child(b, path, "self_attn_layer", flat);
                        attn = c.op(path, "attn_unflatten", "Reshape", attended, shape);
                    }
                    String t = transpose(c, path, "patches_last", h, 0, 1, 3, 2); // (B, C, D, P)
                    t = gate(c, b, path, c.child(b, path, "mlp", t));
                    t = transpose(c, path, "patches_back", t, 0, 1, 3, 2); // (B, C, P, D)
                    if (attn != null) {
                        t =
                                normChild(
                                        c,
                                        b,
                                        path,
                                        "norm_attn",
                                        c.op(path, "attn_add", "Add", t, attn));
                    }
                    return one(c.op(path, "residual", "Add", t, x));
                }
            case FEATURE:
                {
                    String t = gate(c, b, path, c.child(b, path, "mlp", h));
                    return one(c.op(path, "residual", "Add", t, x));
                }
            default:
                {
                    String t = transpose(c, path, "channels_last", h, 0, 3, 2, 1); // (B, D, P, C)
                    t = c.child(b, path, "mlp", gate(c, b, path, t)); // gate before the MLP
                    t = transpose(c, path, "channels_back", t, 0, 3, 2, 1);
                    return one(c.op(path, "residual", "Add", t, x));
                }
        }
    }

    private static List<String> patchAttention(
            ExportContext c, PatchAttention b, String path, String x) {
        long heads = b.getHeads();
        long d = b.getDModel();
        long hd = d / heads;
        String q =
                c.op(
                        path,
                        "q_scaled",
                        "Mul",
                        c.child(b, path, "q_proj", x),
                        c.graph().scalar((float) Math.pow(hd, -0.5)));
        String k = c.child(b, path, "k_proj", x);
        String v = c.child(b, path, "v_proj", x);
        String split = c.graph().ints(0, 0, heads, hd); // (N, P, H, hd)
        q = transpose(c, path, "q_heads", c.op(path, "q_split", "Reshape", q, split), 0, 2, 1, 3);
        k = transpose(c, path, "k_heads", c.op(path, "k_split", "Reshape", k, split), 0, 2, 3, 1);
        v = transpose(c, path, "v_heads", c.op(path, "v_split", "Reshape", v, split), 0, 2, 1, 3);
        String w =
                c.op(
                        path,
                        "attn_softmax",
                        "Softmax",
                        a(attr("axis", -1L)),
                        c.op(path, "scores", "MatMul", q, k));
        String o =
                transpose(c, path, "merge_heads", c.op(path, "attend", "MatMul", w, v), 0, 2, 1, 3);
        o = c.op(path, "merge", "Reshape", o, c.graph().ints(0, 0, d));
        return one(c.child(b, path, "out_proj", o));
    }

    private static List<String> positionalEncoding(
            ExportContext c, PositionalEncoding b, String path, String x) {
        return one(c.op(path, "add", "Add", x, c.param(b, path, "position_enc")));
    }
}
