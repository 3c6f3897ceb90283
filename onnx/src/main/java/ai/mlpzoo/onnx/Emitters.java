package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.kan.FANLayer;
import ai.mlpzoo.blocks.kan.FastKAN;
import ai.mlpzoo.blocks.kan.FastKANLayer;
import ai.mlpzoo.blocks.kan.GroupRational;
import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.blocks.kan.KANLinear;
import ai.mlpzoo.blocks.kan.KanOptions;
import ai.mlpzoo.blocks.kan.KatMlp;
import ai.mlpzoo.blocks.kan.RadialBasis;
import ai.mlpzoo.blocks.mixer.Affine;
import ai.mlpzoo.blocks.mixer.GatedMlp;
import ai.mlpzoo.blocks.mixer.GluMlp;
import ai.mlpzoo.blocks.mixer.MixerBlock;
import ai.mlpzoo.blocks.mixer.Mlp;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import ai.mlpzoo.blocks.mixer.PatchEmbed;
import ai.mlpzoo.blocks.mixer.ResBlock;
import ai.mlpzoo.blocks.mixer.SpatialGatingBlock;
import ai.mlpzoo.blocks.mixer.SpatialGatingUnit;
import ai.mlpzoo.blocks.sae.SaeArchitecture;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SparseCoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import onnx.Onnx.AttributeProto;

/**
 * The registry of block emitters: each reproduces one block class's inference forward as ONNX
 * nodes. Lookup is by exact class, so a subclass that changes the math is never exported with its
 * parent's graph: it is unknown until it gets its own emitter. Sparse coders have no entry here:
 * the block class of every architecture registered in {@link SaeArchitectures} is emitted by {@link
 * SaeEmitter} from the encoder graph the block states.
 */
public final class Emitters {

    private static final Map<Class<?>, Emitter<?>> EMITTERS = new LinkedHashMap<>();
    private static final Map<Class<?>, List<String>> OUTPUTS = new LinkedHashMap<>();

    static {
        // DJL built-ins
        register(Linear.class, Emitters::linear);
        register(LayerNorm.class, Emitters::djlLayerNorm);
        register(ChannelLayerNorm.class, Emitters::layerNorm);
        register(Conv2d.class, Emitters::conv2d);
        register(SequentialBlock.class, Emitters::sequential);
        // Mixer family
        register(MlpMixer.class, Emitters::mlpMixer);
        register(PatchEmbed.class, Emitters::patchEmbed);
        register(MixerBlock.class, Emitters::mixerBlock);
        register(Mlp.class, Emitters::mlp);
        register(GluMlp.class, Emitters::gluMlp);
        register(ResBlock.class, Emitters::resBlock);
        register(Affine.class, Emitters::affine);
        register(SpatialGatingBlock.class, Emitters::spatialGatingBlock);
        register(GatedMlp.class, Emitters::gatedMlp);
        register(SpatialGatingUnit.class, Emitters::spatialGatingUnit);
        MetaFormerEmitters.register();
        // KANs
        register(KAN.class, (c, b, p, x) -> chain(c, b, p, x, b.getLayers().size()));
        register(KANLinear.class, Emitters::kanLinear);
        register(FastKAN.class, Emitters::fastKan);
        register(FastKANLayer.class, Emitters::fastKanLayer);
        register(RadialBasis.class, Emitters::radialBasis);
        register(GroupRational.class, Emitters::groupRational);
        register(KatMlp.class, Emitters::katMlp);
        register(FANLayer.class, Emitters::fanLayer);
        // time series (issue 15): each family registers its own emitters
        TimeMixerEmitter.register();
        MsMlpEmitters.register();
        RaftMlpEmitters.register();
        StripMlpEmitters.register();
        // vision, part 2 (issue 18): each family registers its own emitters
        ScalingMlpEmitter.register();
        KatEmitter.register();
        RepMlpEmitters.register();
        NinformerActivatorEmitters.register();
        HourglassEmitter.register();
        // SAEs and transcoders: none here; every registered SaeArchitecture is emitted by
        // SaeEmitter
        // time-series forecasters (issue 15)
        TimeSeriesEmitters.registerAll();
    }

    private Emitters() {}

    /**
     * Registers (or replaces) the emitter of a block class.
     *
     * @param type the exact block class
     * @param emitter its emitter
     * @param <B> the block type
     */
    public static synchronized <B extends Block> void register(Class<B> type, Emitter<B> emitter) {
        EMITTERS.put(type, emitter);
    }

    /**
     * Names the outputs of a root block class whose forward gives more than {@code output}.
     *
     * @param type the exact block class
     * @param names its outputs, in the order of its forward's NDList
     */
    public static synchronized void registerOutputs(Class<?> type, List<String> names) {
        OUTPUTS.put(type, List.copyOf(names));
    }

    /** The registered output names of a root block, or null. */
    static synchronized List<String> outputs(Block block) {
        return OUTPUTS.get(block.getClass());
    }

    @SuppressWarnings("unchecked")
    static synchronized Emitter<Block> find(Block block) {
        Emitter<Block> e = (Emitter<Block>) EMITTERS.get(block.getClass());
        if (e == null
                && block instanceof SparseCoder
                && SaeArchitectures.of((SparseCoder) block).isPresent()) {
            return (c, b, path, x) -> SaeEmitter.emit(c, (SparseCoder) b, path, x);
        }
        return e;
    }

    static synchronized String known() {
        String blocks =
                EMITTERS.keySet().stream()
                        .map(Class::getSimpleName)
                        .collect(Collectors.joining(", "));
        String saes =
                SaeArchitectures.all().stream()
                        .map(SaeArchitecture::blockType)
                        .distinct()
                        .map(Class::getSimpleName)
                        .collect(Collectors.joining(", "));
        return blocks + ", and the registered SAE architectures' " + saes;
    }

    private static List<String> one(String v) {
        return List.of(v);
    }

    private static AttributeProto[] a(AttributeProto... attrs) {
        return attrs;
    }

    // ---------------------------------------------------------------- DJL built-ins

    private static List<String> linear(ExportContext c, Linear b, String path, String x) {
        String w = c.param(b, path, "weight");
        String bias = ExportContext.hasParam(b, "bias") ? c.param(b, path, "bias") : null;
        return one(c.linear(path, x, w, bias));
    }

    private static List<String> layerNorm(
            ExportContext c, ChannelLayerNorm b, String path, String x) {
        if (!b.isCenter() || !b.isScale()) {
            throw new UnsupportedBlockException(
                    b.getClass().getName(),
                    path,
                    "only LayerNorm with both scale and centre is supported");
        }
        // PyTorch's layer_norm normalises the trailing axes that gamma covers
        long axes = b.getAxis().length;
        String gamma = c.param(b, path, "gamma");
        String beta = c.param(b, path, "beta");
        return one(
                c.op(
                        path,
                        "LayerNormalization",
                        "LayerNormalization",
                        a(attr("axis", -axes), attr("epsilon", b.getEpsilon())),
                        x,
                        gamma,
                        beta));
    }

    /** DJL's own LayerNorm keeps its epsilon private, so the graph cannot be written faithfully. */
    private static List<String> djlLayerNorm(ExportContext c, LayerNorm b, String path, String x) {
        throw new UnsupportedBlockException(
                b.getClass().getName(),
                path,
                "DJL's LayerNorm does not expose its epsilon; build the norm as "
                        + ChannelLayerNorm.class.getName()
                        + " (same math and parameter file)");
    }

    private static List<String> conv2d(ExportContext c, Conv2d b, String path, String x) {
        Shape k = b.getKernelShape();
        Shape s = b.getStride();
        Shape pad = b.getPadding();
        Shape d = b.getDilation();
        String w = c.param(b, path, "weight");
        List<String> in = new ArrayList<>(List.of(x, w));
        if (b.isIncludeBias()) {
            in.add(c.param(b, path, "bias"));
        }
        return one(
                c.op(
                        path,
                        "Conv",
                        "Conv",
                        a(
                                attrs("kernel_shape", k.getShape()),
                                attrs("strides", s.getShape()),
                                attrs("pads", pad.get(0), pad.get(1), pad.get(0), pad.get(1)),
                                attrs("dilations", d.getShape()),
                                attr("group", (long) b.getGroups())),
                        in.toArray(String[]::new)));
    }

    private static List<String> sequential(
            ExportContext c, SequentialBlock b, String path, String x) {
        return chain(c, b, path, x, b.getChildren().size());
    }

    /** Feeds x through the children in order (KAN, FastKAN, SequentialBlock). */
    private static List<String> chain(
            ExportContext c, Block b, String path, String x, int expected) {
        List<String> out = List.of(x);
        int i = 0;
        for (var child : b.getChildren()) {
            String name = NamedParameters.childName(child.getKey(), ++i);
            if (out.size() != 1) {
                throw new UnsupportedBlockException(
                        child.getValue().getClass().getName(),
                        ExportContext.join(path, name),
                        "its input has several values");
            }
            out = c.emit(child.getValue(), ExportContext.join(path, name), out.get(0));
        }
        if (i != expected) {
            throw new UnsupportedBlockException(
                    b.getClass().getName(), path, "unexpected children " + b.getChildren().keys());
        }
        return out;
    }

    // ---------------------------------------------------------------- Mixer family

    private static List<String> mlpMixer(ExportContext c, MlpMixer b, String path, String x) {
        String h = c.child(b, path, "stem", x);
        for (int i = 0; i < b.getLayers().size(); i++) {
            h = c.child(b, path, "blocks." + i, h);
        }
        h = c.child(b, path, "norm", h);
        String pooled =
                c.op(path, "pool", "ReduceMean", a(attrs("axes", 1), attr("keepdims", 0L)), h);
        String logits = c.child(b, path, "head", pooled);
        return List.of(logits, pooled);
    }

    private static List<String> patchEmbed(ExportContext c, PatchEmbed b, String path, String x) {
        String y = c.child(b, path, "proj", x); // (B, C, H', W')
        String flat = c.op(path, "flatten", "Reshape", y, c.graph().ints(0, 0, -1));
        return one(c.transpose021(path, "tokens", flat));
    }

    private static List<String> mixerBlock(ExportContext c, MixerBlock b, String path, String x) {
        String t = c.transpose021(path, "tokens.T", c.child(b, path, "norm1", x));
        t = c.transpose021(path, "tokens.T_back", c.child(b, path, "mlp_tokens", t));
        String h = c.op(path, "residual1", "Add", x, t);
        String ch = c.child(b, path, "mlp_channels", c.child(b, path, "norm2", h));
        return one(c.op(path, "residual2", "Add", h, ch));
    }

    private static List<String> mlp(ExportContext c, Mlp b, String path, String x) {
        String h = c.child(b, path, "fc1", x);
        h = activation(c, ExportContext.join(path, "act"), b.getActivation(), h);
        return one(c.child(b, path, "fc2", h));
    }

    /** fc1, split into value and gate along the last axis, value * act(gate), fc2. */
    private static List<String> gluMlp(ExportContext c, GluMlp b, String path, String x) {
        String h = c.child(b, path, "fc1", x);
        String[] vg = c.opN(path, "split", "Split", 2, a(attr("axis", -1L)), h);
        String gate = activation(c, ExportContext.join(path, "act"), b.getActivation(), vg[1]);
        String g = c.op(path, "gate.mul", "Mul", vg[0], gate);
        return one(c.child(b, path, "fc2", g));
    }

    private static List<String> resBlock(ExportContext c, ResBlock b, String path, String x) {
        String ls1 = c.param(b, path, "ls1");
        String ls2 = c.param(b, path, "ls2");
        String t = c.transpose021(path, "tokens.T", c.child(b, path, "norm1", x));
        t = c.transpose021(path, "tokens.T_back", c.child(b, path, "linear_tokens", t));
        String h = c.op(path, "residual1", "Add", x, c.op(path, "ls1.mul", "Mul", t, ls1));
        String ch = c.child(b, path, "mlp_channels", c.child(b, path, "norm2", h));
        return one(c.op(path, "residual2", "Add", h, c.op(path, "ls2.mul", "Mul", ch, ls2)));
    }

    private static List<String> affine(ExportContext c, Affine b, String path, String x) {
        String y = c.op(path, "alpha.mul", "Mul", x, c.param(b, path, "alpha"));
        return one(c.op(path, "beta.add", "Add", y, c.param(b, path, "beta")));
    }

    private static List<String> spatialGatingBlock(
            ExportContext c, SpatialGatingBlock b, String path, String x) {
        String y = c.child(b, path, "mlp_channels", c.child(b, path, "norm", x));
        return one(c.op(path, "residual", "Add", x, y));
    }

    private static List<String> gatedMlp(ExportContext c, GatedMlp b, String path, String x) {
        String h =
                activation(
                        c,
                        ExportContext.join(path, "act"),
                        b.getActivation(),
                        c.child(b, path, "fc1", x));
        h = c.child(b, path, "gate", h);
        return one(c.child(b, path, "fc2", h));
    }

    private static List<String> spatialGatingUnit(
            ExportContext c, SpatialGatingUnit b, String path, String x) {
        String[] uv = c.opN(path, "split", "Split", 2, a(attr("axis", 2L)), x);
        String v = c.child(b, path, "norm", uv[1]);
        v = c.transpose021(path, "v.T", v);
        v = c.transpose021(path, "v.T_back", c.child(b, path, "proj", v));
        return one(c.op(path, "gate.mul", "Mul", uv[0], v));
    }

    // ---------------------------------------------------------------- KANs

    private static String activation(ExportContext c, String path, BaseActivation act, String x) {
        switch (act) {
            case SILU:
                return c.silu(path, x);
            case GELU:
                return c.gelu(path, x);
            case RELU:
                return c.op(path, "relu", "Relu", x);
            case TANH:
                return c.op(path, "tanh", "Tanh", x);
            default:
                return x;
        }
    }

    /** efficient-kan's KANLinear: base branch plus B-spline branch, Cox-de Boor unrolled. */
    private static List<String> kanLinear(ExportContext c, KANLinear b, String path, String x) {
        KanOptions o = b.getOptions();
        int in = b.getInFeatures();
        int out = b.getOutFeatures();
        int k = o.splineOrder();
        int nb = o.numBases();
        OnnxGraph g = c.graph();
        String flat = c.flatten(path, x, in);
        String wb = c.param(b, path, "base_weight");
        String base =
                c.linear(
                        ExportContext.join(path, "base"),
                        activation(
                                c, ExportContext.join(path, "base_act"), o.baseActivation(), flat),
                        wb,
                        null);

        // the knots are fixed at inference: the clamps, the knot windows and the (safe) spans of
        // every recursion level become constants derived from the grid buffer
        float[] grid = c.values(b, path, "grid"); // (in, n)
        int n = grid.length / in;
        float[] lo = new float[in];
        float[] hi = new float[in];
        for (int i = 0; i < in; i++) {
            lo[i] = grid[i * n] - 1f;
            hi[i] = grid[i * n + n - 1] + 1f;
        }
        String gp = ExportContext.join(path, "grid");
        String clamped =
                c.op(
                        path,
                        "spline.clamp_hi",
                        "Min",
                        c.op(
                                path,
                                "spline.clamp_lo",
                                "Max",
                                flat,
                                g.initializer(gp + ".lo", lo, in)),
                        g.initializer(gp + ".hi", hi, in));
        String xe = c.op(path, "spline.x", "Unsqueeze", clamped, g.ints(2)); // (N, in, 1)
        String t0 = g.initializer(gp + ".t0", window(grid, in, n, 0, n - 1), in, n - 1);
        String t1 = g.initializer(gp + ".t1", window(grid, in, n, 1, n), in, n - 1);
        String ge = c.op(path, "spline.order0.ge", "GreaterOrEqual", xe, t0);
        String lt = c.op(path, "spline.order0.lt", "Less", xe, t1);
        String basis =
                c.op(
                        path,
                        "spline.order0",
                        "Cast",
                        a(attr("to", (long) onnx.Onnx.TensorProto.DataType.FLOAT_VALUE)),
                        c.op(path, "spline.order0.and", "And", ge, lt)); // (N, in, n - 1)
        for (int p = 1; p <= k; p++) {
            int m = n - 1 - p;
            String lbl = "spline.order" + p;
            float[] tLo = window(grid, in, n, 0, m);
            float[] tLoK = window(grid, in, n, p, n - 1);
            float[] tHi = window(grid, in, n, p + 1, n);
            float[] tLo1 = window(grid, in, n, 1, n - p);
            float[] dl = new float[in * m];
            float[] dr = new float[in * m];
            for (int i = 0; i < dl.length; i++) {
                float l = tLoK[i] - tLo[i];
                float r = tHi[i] - tLo1[i];
                dl[i] = l == 0f ? 1f : l;
                dr[i] = r == 0f ? 1f : r;
            }
            String pre = gp + ".order" + p;
            String left =
                    c.op(
                            path,
                            lbl + ".left",
                            "Div",
                            c.op(
                                    path,
                                    lbl + ".x_minus_t",
                                    "Sub",
                                    xe,
                                    g.initializer(pre + ".t_lo", tLo, in, m)),
                            g.initializer(pre + ".span_left", dl, in, m));
            String right =
                    c.op(
                            path,
                            lbl + ".right",
                            "Div",
                            c.op(
                                    path,
                                    lbl + ".t_minus_x",
                                    "Sub",
                                    g.initializer(pre + ".t_hi", tHi, in, m),
                                    xe),
                            g.initializer(pre + ".span_right", dr, in, m));
            String b0 = c.op(path, lbl + ".b_lo", "Slice", basis, g.ints(0), g.ints(m), g.ints(2));
            String b1 =
                    c.op(path, lbl + ".b_hi", "Slice", basis, g.ints(1), g.ints(m + 1), g.ints(2));
            basis =
                    c.op(
                            path,
                            lbl,
                            "Add",
                            c.op(path, lbl + ".left_mul", "Mul", left, b0),
                            c.op(path, lbl + ".right_mul", "Mul", right, b1));
        }
        String bases = c.op(path, "spline.bases", "Reshape", basis, g.ints(-1, (long) in * nb));
        String w = c.param(b, path, "spline_weight"); // (out, in, nb)
        if (ExportContext.hasParam(b, "spline_scaler")) {
            String s =
                    c.op(
                            path,
                            "spline_scaler.unsqueeze",
                            "Unsqueeze",
                            c.param(b, path, "spline_scaler"),
                            g.ints(2));
            w = c.op(path, "scaled_spline_weight", "Mul", w, s);
        }
        w = c.op(path, "scaled_spline_weight.flat", "Reshape", w, g.ints(out, (long) in * nb));
        String spline = c.linear(ExportContext.join(path, "spline"), bases, w, null);
        String y = c.op(path, "sum", "Add", base, spline);
        return one(c.unflatten(path, "out", y, x, out));
    }

    private static float[] window(float[] grid, int rows, int n, int from, int to) {
        int w = to - from;
        float[] out = new float[rows * w];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(grid, i * n + from, out, i * w, w);
        }
        return out;
    }

    private static List<String> fastKan(ExportContext c, FastKAN b, String path, String x) {
        return chain(c, b, path, x, b.getChildren().size());
    }

    private static List<String> fastKanLayer(
            ExportContext c, FastKANLayer b, String path, String x) {
        OnnxGraph g = c.graph();
        int in = b.getInputDim();
        BaseActivation act = b.getBaseActivation();
        Block ln = ExportContext.findChild(b, "layernorm");
        String u = ln == null ? x : c.emit1(ln, ExportContext.join(path, "layernorm"), x);
        RadialBasis rbf = (RadialBasis) c.requireChild(b, path, "rbf");
        String basis = c.emit1(rbf, ExportContext.join(path, "rbf"), u); // (..., in, G)
        String flat =
                c.op(path, "rbf.flat", "Reshape", basis, g.ints(-1, (long) in * rbf.getNumGrids()));
        String y = c.child(b, path, "spline_linear", flat);
        Block baseLinear = ExportContext.findChild(b, "base_linear");
        if (baseLinear != null) {
            String xf = c.flatten(path, x, in);
            String base =
                    c.emit1(
                            baseLinear,
                            ExportContext.join(path, "base_linear"),
                            activation(c, ExportContext.join(path, "base_act"), act, xf));
            y = c.op(path, "sum", "Add", y, base);
        }
        long out = b.getOutputDim();
        return one(c.unflatten(path, "out", y, x, out));
    }

    private static List<String> radialBasis(ExportContext c, RadialBasis b, String path, String x) {
        float den = b.getDenominator();
        String u = c.op(path, "unsqueeze", "Unsqueeze", x, c.graph().ints(-1));
        String z =
                c.op(
                        path,
                        "z",
                        "Div",
                        c.op(path, "centre", "Sub", u, c.param(b, path, "grid")),
                        c.graph().scalar(den));
        String sq = c.op(path, "z2", "Mul", z, z);
        return one(c.op(path, "exp", "Exp", c.op(path, "neg", "Neg", sq)));
    }

    /** KAT's group-wise safe Pade rational, with the same |x| <= 1 / |x| > 1 split as the block. */
    private static List<String> groupRational(
            ExportContext c, GroupRational b, String path, String x) {
        OnnxGraph g = c.graph();
        long groups = b.getGroups();
        String num =
                c.op(path, "numerator", "Reshape", c.param(b, path, "weight_numerator"), g.ints(6));
        String den =
                c.op(
                        path,
                        "denominator.abs",
                        "Abs",
                        c.param(b, path, "weight_denominator")); // (groups, 4)
        // row c of the per-channel denominators is group c / (C / groups)
        String shape = c.op(path, "channels.shape", "Shape", x);
        String ch = c.op(path, "channels", "Gather", a(attr("axis", 0L)), shape, g.ints(true, -1));
        String per = c.op(path, "channels_per_group", "Div", ch, g.ints(true, groups));
        String idx =
                c.op(
                        path,
                        "group_of_channel",
                        "Div",
                        c.op(path, "channel_index", "Range", g.ints(true, 0), ch, g.ints(true, 1)),
                        per);
        String bc =
                c.op(
                        path,
                        "denominator.per_channel",
                        "Gather",
                        a(attr("axis", 0L)),
                        den,
                        idx); // (C, 4)
        String[] av = new String[6];
        for (int j = 0; j < 6; j++) {
            av[j] = c.op(path, "a" + j, "Gather", a(attr("axis", 0L)), num, g.ints(true, j));
        }
        String[] bv = new String[4];
        for (int j = 0; j < 4; j++) {
            bv[j] = c.op(path, "b" + j, "Gather", a(attr("axis", 1L)), bc, g.ints(true, j));
        }
        String abs = c.op(path, "abs", "Abs", x);
        // |x| <= 1: P(x) / (1 + Q(|x|)), Horner
        String small = c.op(path, "small.clip", "Clip", x, g.scalar(-1f), g.scalar(1f));
        String sa = c.op(path, "small.abs", "Abs", small);
        String p = c.op(path, "small.p5", "Mul", av[5], small);
        for (int j = 4; j >= 1; j--) {
            p =
                    c.op(
                            path,
                            "small.p" + j,
                            "Mul",
                            c.op(path, "small.p" + j + ".add", "Add", p, av[j]),
                            small);
        }
        p = c.op(path, "small.p0", "Add", p, av[0]);
        String q = c.op(path, "small.q3", "Mul", bv[3], sa);
        for (int j = 2; j >= 0; j--) {
            q =
                    c.op(
                            path,
                            "small.q" + j,
                            "Mul",
                            c.op(path, "small.q" + j + ".add", "Add", q, bv[j]),
                            sa);
        }
        String inner =
                c.op(
                        path,
                        "small.ratio",
                        "Div",
                        p,
                        c.op(path, "small.q.add1", "Add", q, g.scalar(1f)));
        // |x| > 1: numerator and denominator divided by |x|^5 and |x|^4, in r = 1 / |x|
        String s = c.op(path, "large.sign", "Sign", x);
        String r =
                c.op(
                        path,
                        "large.r",
                        "Pow",
                        c.op(path, "large.max1", "Max", abs, g.scalar(1f)),
                        g.scalar(-1f));
        String low = c.op(path, "large.l0", "Mul", av[0], r);
        low = c.op(path, "large.l1", "Add", low, c.op(path, "large.a1s", "Mul", av[1], s));
        low = c.op(path, "large.l2", "Mul", low, r);
        low = c.op(path, "large.l3", "Add", low, av[2]);
        low = c.op(path, "large.l4", "Mul", low, r);
        String pl = c.op(path, "large.p1", "Add", low, c.op(path, "large.a3s", "Mul", av[3], s));
        pl = c.op(path, "large.p2", "Mul", pl, r);
        pl = c.op(path, "large.p3", "Add", pl, av[4]);
        pl =
                c.op(
                        path,
                        "large.p4",
                        "Add",
                        pl,
                        c.op(
                                path,
                                "large.a5s_div_r",
                                "Div",
                                c.op(path, "large.a5s", "Mul", av[5], s),
                                r));
        String ql = c.op(path, "large.q0", "Add", r, bv[0]);
        ql = c.op(path, "large.q1", "Mul", ql, r);
        ql = c.op(path, "large.q2", "Add", ql, bv[1]);
        ql = c.op(path, "large.q3", "Mul", ql, r);
        ql = c.op(path, "large.q4", "Add", ql, bv[2]);
        ql = c.op(path, "large.q5", "Mul", ql, r);
        ql = c.op(path, "large.q6", "Add", ql, bv[3]);
        String outer = c.op(path, "large.ratio", "Div", pl, ql);
        String cond = c.op(path, "is_small", "LessOrEqual", abs, g.scalar(1f));
        return one(c.op(path, "where", "Where", cond, inner, outer));
    }

    private static List<String> katMlp(ExportContext c, KatMlp b, String path, String x) {
        String h = c.child(b, path, "act1", x);
        h = c.child(b, path, "fc1", h);
        h = c.child(b, path, "act2", h);
        return one(c.child(b, path, "fc2", h));
    }

    private static List<String> fanLayer(ExportContext c, FANLayer b, String path, String x) {
        String p = c.child(b, path, "input_linear_p", x);
        String gl = c.gelu(ExportContext.join(path, "act"), c.child(b, path, "input_linear_g", x));
        return one(
                c.op(
                        path,
                        "concat",
                        "Concat",
                        a(attr("axis", -1L)),
                        c.op(path, "cos", "Cos", p),
                        c.op(path, "sin", "Sin", p),
                        gl));
    }
}
