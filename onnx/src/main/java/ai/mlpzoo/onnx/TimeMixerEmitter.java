package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.timeseries.timemixer.PastDecomposableMixing;
import ai.mlpzoo.blocks.timeseries.timemixer.TimeMixer;
import ai.mlpzoo.blocks.timeseries.timemixer.TimeMixerArgs;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;

/**
 * ONNX emitter of {@link TimeMixer} (Wang et al., ICLR 2024): the whole inference forward as one
 * graph, written inline from the block's parameters (the sub-blocks have no emitters of their own).
 * A model that takes time marks gets a second graph input {@code input_mark} (batch, seq_len,
 * features). The DFT decomposition is emitted as the reference's effective computation (sample 0 of
 * the batch axis: season 0; the others: season x), so the exported graph depends on the position in
 * the batch exactly as the reference and the DJL block do; the mark repeat order of channel
 * independence (Tile) likewise.
 */
public final class TimeMixerEmitter {

    /** The second graph input of a model that takes time marks. */
    public static final String MARKS = "input_mark";

    private static final float EPS = 1e-5f;

    private TimeMixerEmitter() {}

    /** Registers the emitter: the one call {@link Emitters} makes for this family. */
    static void register() {
        Emitters.register(TimeMixer.class, TimeMixerEmitter::emit);
    }

    private static final class Ctx {
        final ExportContext c;
        final Map<String, Parameter> params;

        Ctx(ExportContext c, TimeMixer block) {
            this.c = c;
            this.params = NamedParameters.of(block);
        }

        String p(String name) {
            Parameter p = params.get(name);
            if (p == null) {
                throw new UnsupportedBlockException(
                        TimeMixer.class.getName(), name, "it has no parameter named " + name);
            }
            return c.param(p);
        }

        String op(String path, String label, String op, String... in) {
            return c.op(path, label, op, in);
        }

        String op(String path, String label, String op, AttributeProto[] a, String... in) {
            return c.op(path, label, op, a, in);
        }

        String t021(String path, String label, String x) {
            return c.transpose021(path, label, x);
        }

        String linear(String name, String x) {
            return c.linear(name, x, p(name + ".weight"), p(name + ".bias"));
        }

        String mlp2(String name, String x) {
            String h = linear(name + ".0", x);
            return linear(name + ".2", c.gelu(name, h));
        }

        String slice(String path, String label, String x, long start, long end, long axis) {
            return op(
                    path,
                    label,
                    "Slice",
                    x,
                    c.graph().ints(start),
                    c.graph().ints(end),
                    c.graph().ints(axis));
        }
    }

    static List<String> emit(ExportContext c, TimeMixer block, String path, String input) {
        TimeMixerArgs a = block.args();
        Ctx x = new Ctx(c, block);
        OnnxGraph g = c.graph();
        boolean ci = a.channelIndependence();
        int scales = a.scales();
        int w = a.downSamplingWindow();
        long n = a.encIn();
        String marks =
                block.timeFeatures() > 0
                        ? g.input(MARKS, new long[] {-1, a.seqLen(), a.markFeatures()})
                        : null;

        // 1. multiscale inputs: pooling over time on (B, N, T)
        List<String> xs = new ArrayList<>(); // each (B, T_s, N)
        List<String> ms = new ArrayList<>(); // each (B, T_s, F)
        xs.add(input);
        ms.add(marks);
        String cur = x.t021(path, "scales.in", input); // (B, N, T_0)
        for (int s = 1; s < scales; s++) {
            AttributeProto[] pool = {attrs("kernel_shape", w), attrs("strides", w)};
            String op = "max".equals(a.downSamplingMethod()) ? "MaxPool" : "AveragePool";
            cur = x.op(path, "pool" + s, op, pool, cur); // (B, N, T_s)
            xs.add(x.t021(path, "scale" + s, cur)); // (B, T_s, N)
            if (marks != null) {
                // mark[:, ::window]: Slice with a step
                ms.add(
                        x.op(
                                path,
                                "marks" + s,
                                "Slice",
                                ms.get(s - 1),
                                g.ints(0),
                                g.ints(Long.MAX_VALUE),
                                g.ints(1),
                                g.ints(w))); // (B, T_s, F)
            } else {
                ms.add(null);
            }
        }

        // 2-3. RevIN per scale, channel independence
        String mean0 = null; // (B, 1, N)
        String std0 = null; // (B, 1, N)
        List<String> normed = new ArrayList<>();
        List<String> marksIn = new ArrayList<>();
        for (int s = 0; s < scales; s++) {
            String np = "normalize_layers." + s;
            String xi = xs.get(s); // (B, T_s, N)
            String mean =
                    x.op(np, "mean", "ReduceMean", new AttributeProto[] {attrs("axes", 1)}, xi);
            String centred = x.op(np, "centre", "Sub", xi, mean); // (B, T_s, N)
            String var =
                    x.op(
                            np,
                            "var",
                            "ReduceMean",
                            new AttributeProto[] {attrs("axes", 1)},
                            x.op(np, "sq", "Mul", centred, centred)); // (B, 1, N)
            String std = x.op(np, "std", "Sqrt", x.op(np, "var.eps", "Add", var, g.scalar(EPS)));
            if (s == 0) {
                mean0 = mean;
                std0 = std;
            }
            if (a.useNorm()) {
                xi = x.op(np, "div", "Div", centred, std);
                xi = x.op(np, "affine.mul", "Mul", xi, x.p(np + ".affine_weight"));
                xi = x.op(np, "affine.add", "Add", xi, x.p(np + ".affine_bias")); // (B, T_s, N)
            }
            String m = ms.get(s);
            if (ci) {
                // (B, T_s, N) -> (B, N, T_s) -> (B*N, T_s, 1)
                xi = x.op(np, "ci", "Reshape", x.t021(np, "ci.t", xi), g.ints(-1, a.length(s), 1));
                if (m != null) {
                    // x_mark.repeat(N, 1, 1): the batch tiled N times, row r = sample r % B
                    m = x.op(np, "marks.tile", "Tile", m, g.ints(n, 1, 1)); // (N*B, T_s, F)
                }
            }
            normed.add(xi);
            marksIn.add(m);
        }

        // 4. without channel independence: season embedded, trend kept
        List<String> residual = new ArrayList<>();
        if (!ci) {
            for (int s = 0; s < scales; s++) {
                String[] st = movingAverage(x, "pre_decomp" + s, normed.get(s), a.movingAvg());
                normed.set(s, st[0]);
                residual.add(st[1]);
            }
        }

        // 5. embedding: circular conv (kernel 3) + temporal Linear
        List<String> enc = new ArrayList<>(); // each (B', T_s, d_model)
        String ep = "enc_embedding";
        for (int s = 0; s < scales; s++) {
            long t = a.length(s);
            String v = x.t021(ep, "t" + s, normed.get(s)); // (B', c_in, T_s)
            String last = x.slice(ep, "last" + s, v, t - 1, t, 2); // (B', c_in, 1)
            String first = x.slice(ep, "first" + s, v, 0, 1, 2); // (B', c_in, 1)
            String padded =
                    x.op(
                            ep,
                            "circular" + s,
                            "Concat",
                            new AttributeProto[] {attr("axis", 2L)},
                            last,
                            v,
                            first); // (B', c_in, T_s + 2)
            String conv =
                    x.op(
                            ep,
                            "tokenConv" + s,
                            "Conv",
                            new AttributeProto[] {attrs("kernel_shape", 3)},
                            padded,
                            x.p(ep + ".value_embedding.tokenConv.weight")); // (B', d, T_s)
            String e = x.t021(ep, "out" + s, conv); // (B', T_s, d_model)
            if (marksIn.get(s) != null) {
                String te =
                        c.linear(
                                ep + ".temporal_embedding.embed",
                                marksIn.get(s),
                                x.p(ep + ".temporal_embedding.embed.weight"),
                                null); // (B', T_s, d_model)
                e = x.op(ep, "sum" + s, "Add", e, te);
            }
            enc.add(e);
        }

        // 6. past decomposable mixing
        List<PastDecomposableMixing> pdms = block.pdmBlocks();
        for (int l = 0; l < pdms.size(); l++) {
            enc = pdm(x, "pdm_blocks." + l, a, enc);
        }

        // 7. future multipredictor mixing
        String sum = null; // (B, pred_len, c_out)
        for (int s = 0; s < scales; s++) {
            String e = x.t021("predict_layers." + s, "t", enc.get(s)); // (B', d, T_s)
            String pr = x.linear("predict_layers." + s, e); // (B', d, P)
            pr = x.t021("predict_layers." + s, "back", pr); // (B', P, d)
            String y = x.linear("projection_layer", pr); // (B', P, 1 or c_out)
            if (ci) {
                // (B*N, P, 1) -> (B, N, P) -> (B, P, N)
                y = x.op("projection_layer", "ci" + s, "Reshape", y, g.ints(-1, n, a.predLen()));
                y = x.t021("projection_layer", "ci.t" + s, y);
            } else {
                String r = x.t021("out_res_layers." + s, "t", residual.get(s)); // (B, N, T_s)
                r = x.linear("out_res_layers." + s, r); // (B, N, T_s)
                r = x.linear("regression_layers." + s, r); // (B, N, P)
                y =
                        x.op(
                                "regression_layers." + s,
                                "add",
                                "Add",
                                y,
                                x.t021("regression_layers." + s, "t", r));
            }
            sum = sum == null ? y : x.op(path, "scale.sum" + s, "Add", sum, y);
        }

        // 8. de-normalise with scale 0's statistics
        if (a.useNorm()) {
            String np = "normalize_layers.0";
            String yb = x.op(np, "denorm.sub", "Sub", sum, x.p(np + ".affine_bias"));
            String wEps =
                    x.op(np, "denorm.eps", "Add", x.p(np + ".affine_weight"), g.scalar(EPS * EPS));
            yb = x.op(np, "denorm.div", "Div", yb, wEps);
            yb = x.op(np, "denorm.mul", "Mul", yb, std0);
            sum = x.op(np, "denorm.add", "Add", yb, mean0); // (B, P, N)
        }
        return List.of(sum);
    }

    /** Edge-replicated moving average along time: {season, trend}, each (B', T, d). */
    private static String[] movingAverage(Ctx x, String path, String v, int k) {
        int pad = (k - 1) / 2;
        OnnxGraph g = x.c.graph();
        AttributeProto edge =
                AttributeProto.newBuilder()
                        .setName("mode")
                        .setType(AttributeProto.AttributeType.STRING)
                        .setS(ByteString.copyFromUtf8("edge"))
                        .build();
        String padded =
                x.op(
                        path,
                        "pad",
                        "Pad",
                        new AttributeProto[] {edge},
                        v,
                        g.ints(0, pad, 0, 0, pad, 0)); // (B', T + 2 pad, d)
        String trend =
                x.op(
                        path,
                        "avg",
                        "AveragePool",
                        new AttributeProto[] {attrs("kernel_shape", k), attrs("strides", 1)},
                        x.t021(path, "t", padded)); // (B', d, T)
        trend = x.t021(path, "trend", trend); // (B', T, d)
        return new String[] {x.op(path, "season", "Sub", v, trend), trend};
    }

    /** The reference's DFT decomposition, as it behaves: sample 0 season 0, others season x. */
    private static String[] dft(Ctx x, String path, String v) {
        String first = x.slice(path, "first", v, 0, 1, 0); // (1, T, d)
        String zero = x.op(path, "zero", "Mul", first, x.c.graph().scalar(0f)); // (1, T, d)
        String rest = x.slice(path, "rest", v, 1, Long.MAX_VALUE, 0); // (B' - 1, T, d)
        String season =
                x.op(
                        path,
                        "season",
                        "Concat",
                        new AttributeProto[] {attr("axis", 0L)},
                        zero,
                        rest); // (B', T, d)
        return new String[] {season, x.op(path, "trend", "Sub", v, season)};
    }

    private static List<String> pdm(Ctx x, String path, TimeMixerArgs a, List<String> in) {
        int scales = in.size();
        List<String> seasons = new ArrayList<>(); // each (B', d, T_s)
        List<String> trends = new ArrayList<>(); // each (B', d, T_s)
        for (int s = 0; s < scales; s++) {
            String dp = path + ".decomp" + s;
            String[] st =
                    TimeMixerArgs.DFT_DECOMP.equals(a.decompMethod())
                            ? dft(x, dp, in.get(s))
                            : movingAverage(x, dp, in.get(s), a.movingAvg());
            if (!a.channelIndependence()) {
                st[0] = x.mlp2(path + ".cross_layer", st[0]);
                st[1] = x.mlp2(path + ".cross_layer", st[1]);
            }
            seasons.add(x.t021(dp, "season.t", st[0]));
            trends.add(x.t021(dp, "trend.t", st[1]));
        }
        String[] seasonOut = new String[scales];
        String h = seasons.get(0);
        seasonOut[0] = h;
        for (int i = 0; i < scales - 1; i++) {
            String name = path + ".mixing_multi_scale_season.down_sampling_layers." + i;
            h = x.op(name, "add", "Add", seasons.get(i + 1), x.mlp2(name, h)); // (B', d, T_i+1)
            seasonOut[i + 1] = h;
        }
        String[] trendOut = new String[scales];
        String gv = trends.get(scales - 1);
        trendOut[scales - 1] = gv;
        for (int j = 0; j < scales - 1; j++) {
            int i = scales - 2 - j;
            String name = path + ".mixing_multi_scale_trend.up_sampling_layers." + j;
            gv = x.op(name, "add", "Add", trends.get(i), x.mlp2(name, gv)); // (B', d, T_i)
            trendOut[i] = gv;
        }
        List<String> out = new ArrayList<>();
        for (int s = 0; s < scales; s++) {
            String sum = x.op(path, "out" + s, "Add", seasonOut[s], trendOut[s]);
            sum = x.t021(path, "out.t" + s, sum); // (B', T_s, d)
            if (a.channelIndependence()) {
                sum =
                        x.op(
                                path,
                                "res" + s,
                                "Add",
                                in.get(s),
                                x.mlp2(path + ".out_cross_layer", sum));
            }
            out.add(sum);
        }
        return out;
    }
}
