package ai.mlpzoo.bench;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.blocks.kan.KanOptions;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.MixerConfig;
import ai.mlpzoo.config.RepMlpConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The benchmark cases, with exactly the configurations of issue 8 (the same ones were timed in
 * PyTorch eager for comparison). Case names:
 *
 * <ul>
 *   <li>{@code gemm}: a 1024 x 1024 float32 matmul;
 *   <li>{@code mixer_train}: one AdamW step of MlpMixer(num_classes=10, img_size=28, in_chans=1,
 *       patch_size=4, num_blocks=8, embed_dim=128, mlp_ratio=(0.5, 4.0)), batch 128, cross-entropy;
 *   <li>{@code mixer_infer1}: inference of the same model, batch 1;
 *   <li>{@code mixer_b16_infer}: inference of mixer_b16_224, batch 8;
 *   <li>{@code repmlp_t224_infer1}, {@code repmlp_t224_deploy_infer1}: inference of RepMLPNet-T224
 *       in its training structure and re-parameterised (deploy), batch 1: the speed-up of {@code
 *       mlpzoo reparam} (the weights' values do not change the time, so both are built directly);
 *   <li>{@code repmlp_fmnist_infer128}, {@code repmlp_fmnist_deploy_infer128}: the same for
 *       repmlp_fmnist, batch 128;
 *   <li>{@code kan_train}: one AdamW step of efficient-kan's KAN([784, 64, 10]) (grid 5, order 3),
 *       batch 256, cross-entropy;
 *   <li>{@code sae_topk_train}: one Adam step of a TopK SAE, d_in 512, 8192 latents, k 32, batch
 *       1024, decoder-norm step included;
 *   <li>{@code predict1_<engine>}: single-image latency (p50, p99) through a Predictor of the zoo's
 *       Fashion-MNIST Mixer, per engine (PyTorch, OnnxRuntime);
 *   <li>{@code predict64_<engine>}: the same with 64 images per {@code batchPredict};
 *   <li>{@code predict_rss}: RSS before and after 100,000 predictions (PyTorch);
 *   <li>{@code train_<variant>}: training throughput (images/s) of each Fashion-MNIST zoo model
 *       (mixer_fmnist, resmlp_fmnist, gmlp_fmnist), batch 128;
 *   <li>{@code <inference case>_onnxruntime} (e.g. {@code mixer_infer1_onnxruntime}): that case's
 *       block exported to ONNX and run on ONNX Runtime, compared with the same PyTorch eager
 *       reference; not in the default run.
 * </ul>
 *
 * <p>The newer families' cases come from the groups of {@link #GROUPS} ({@link VisionCases}: a
 * training step and single-image inference of each vision family's Fashion-MNIST variant).
 */
public final class Cases {

    /** The Fashion-MNIST zoo variants whose training throughput is measured. */
    public static final List<String> FMNIST_VARIANTS =
            List.of("mixer_fmnist", "resmlp_fmnist", "gmlp_fmnist");

    /** The engines of the latency case, in order. */
    public static final List<String> ENGINES = List.of("PyTorch", PredictorCase.ONNX);

    /**
     * What the command line passes to the cases.
     *
     * @param engines the engines of the latency cases
     * @param onnxModel a model dir with model.onnx for the OnnxRuntime latency case, or null
     * @param predictions the number of predictions of {@code predict_rss}
     * @param threads PyTorch intra-op threads, or 0 for the engine's default (one per core)
     */
    public record Options(List<String> engines, Path onnxModel, int predictions, int threads) {
        /**
         * @return the defaults: both engines, the zoo model, 100,000 predictions, default threads
         */
        public static Options defaults() {
            return new Options(ENGINES, null, 100_000, 0);
        }
    }

    /**
     * The case groups of the newer families, one line each (see {@link CaseGroup}); their cases run
     * after the built-in ones, in this order.
     */
    static final List<CaseGroup> GROUPS = groups();

    private static List<CaseGroup> groups() {
        List<CaseGroup> g = new ArrayList<>();
        // time series, NLP, SAE
        g.add(new TimeSeriesCases());
        g.add(new NlpCases());
        g.add(new SaeCases());

        // the vision families
        g.add(new VisionCases());
        return List.copyOf(g);
    }

    /**
     * The reduced-precision cases, known but not in the default run ({@code mlpzoo bench
     * --precision int8} selects them): mixer_b16_infer exported to ONNX and run on ONNX Runtime in
     * float32 and as the int8 graph, and the single-image latency of a model directory's {@code
     * model.int8.onnx} ({@code --onnx-model}).
     */
    public static final List<String> PRECISION_CASES =
            List.of("mixer_b16_infer_onnxruntime", "mixer_b16_infer_int8", "predict1_int8");

    /** The suffix of an inference case's ONNX Runtime twin ({@link #onnxTwinOf}). */
    static final String ONNX_SUFFIX = "_onnxruntime";

    private Cases() {}

    /**
     * Every case name, in the order {@code mlpzoo bench} runs them.
     *
     * @param o the options (which engines)
     * @return the names
     */
    public static List<String> names(Options o) {
        List<String> n =
                new ArrayList<>(
                        List.of(
                                "gemm",
                                "mixer_train",
                                "mixer_infer1",
                                "mixer_b16_infer",
                                "repmlp_t224_infer1",
                                "repmlp_t224_deploy_infer1",
                                "repmlp_fmnist_infer128",
                                "repmlp_fmnist_deploy_infer128",
                                "kan_train",
                                "sae_topk_train"));
        for (String e : o.engines()) {
            n.add("predict1_" + e.toLowerCase(Locale.ROOT));
        }
        for (String e : o.engines()) {
            n.add("predict64_" + e.toLowerCase(Locale.ROOT));
        }
        n.add("predict_rss");
        for (String v : FMNIST_VARIANTS) {
            n.add("train_" + v);
        }
        for (CaseGroup g : GROUPS) {
            n.addAll(g.names());
        }
        return n;
    }

    /**
     * Resolves the case names asked for; none means all.
     *
     * @param asked names from the command line (or empty)
     * @param o the options
     * @return the names, in the order asked, without repeats
     * @throws IllegalArgumentException naming the known cases when a name is unknown
     */
    public static List<String> resolve(List<String> asked, Options o) {
        List<String> all = names(o);
        if (asked == null || asked.isEmpty()) {
            return all;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String a : asked) {
            if ("all".equals(a)) {
                out.addAll(all);
            } else if (PRECISION_CASES.contains(a)) {
                out.add(a);
            } else if ((a.startsWith("predict1_") || a.startsWith("predict64_"))
                    && !all.contains(a)) {
                // an engine not selected with --engine is still a known case
                String e = a.substring(a.indexOf('_') + 1);
                if (ENGINES.stream().noneMatch(x -> x.toLowerCase(Locale.ROOT).equals(e))) {
                    throw unknown(a, all);
                }
                out.add(a);
            } else if (all.contains(a) || onnxTwinOf(a, o) != null) {
                out.add(a);
            } else {
                throw unknown(a, all);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The case an {@code <inference case>_onnxruntime} name stands for: the same block and input
     * exported to ONNX and run on ONNX Runtime ({@link InferCase#onOnnxRuntime}). Known for every
     * inference case on one input, not in the default run.
     *
     * @param name a case name
     * @param o the options
     * @return the inference case the name is the ONNX Runtime twin of, or null
     */
    static InferCase onnxTwinOf(String name, Options o) {
        if (!name.endsWith(ONNX_SUFFIX)) {
            return null;
        }
        String base = name.substring(0, name.length() - ONNX_SUFFIX.length());
        return names(o).contains(base) && create(base, o) instanceof InferCase infer ? infer : null;
    }

    /**
     * The Python reference's case for one of ours: an ONNX Runtime twin is compared with the
     * PyTorch eager run of its inference case, the others with their own name.
     *
     * @param name our case
     * @param o the options
     * @return the reference's case name
     */
    public static String referenceName(String name, Options o) {
        return onnxTwinOf(name, o) != null
                ? name.substring(0, name.length() - ONNX_SUFFIX.length())
                : name;
    }

    private static IllegalArgumentException unknown(String name, List<String> all) {
        return new IllegalArgumentException(
                "unknown benchmark case '" + name + "'; known: " + String.join(", ", all));
    }

    /**
     * @return the mixer_train / mixer_infer1 architecture
     */
    public static MixerConfig smallMixer() {
        MixerConfig c = new MixerConfig();
        c.name = "bench_mixer";
        c.block = "mixer";
        c.imgSize = 28;
        c.inChans = 1;
        c.patchSize = 4;
        c.numBlocks = 8;
        c.embedDim = 128;
        c.mlpRatio = new double[] {0.5, 4.0};
        c.numClasses = 10;
        return c.validate();
    }

    /**
     * Creates a case.
     *
     * @param name the case name
     * @param o the options
     * @return the case (not set up)
     */
    public static BenchCase create(String name, Options o) {
        switch (name) {
            case "gemm":
                return new GemmCase(1024);
            case "mixer_train":
                {
                    MixerConfig c = smallMixer();
                    return new TrainStepCase(
                            name,
                            c::toBlock,
                            new Shape(128, 1, 28, 28),
                            10,
                            Flops.mixerTrain(c, 128),
                            2,
                            10);
                }
            case "mixer_infer1":
                {
                    MixerConfig c = smallMixer();
                    return new InferCase(
                            name,
                            c::toBlock,
                            new Shape(1, 1, 28, 28),
                            Flops.mixerForward(c, 1)[1],
                            BenchCase.INFER1_WARMUP,
                            BenchCase.INFER1_STEPS);
                }
            case "mixer_b16_infer":
                {
                    MixerConfig c = Configs.mixerVariant("mixer_b16_224");
                    return new InferCase(
                            name,
                            c::toBlock,
                            new Shape(8, 3, 224, 224),
                            Flops.mixerForward(c, 8)[1],
                            1,
                            5);
                }
            case "mixer_b16_infer_int8": // the int8 graph of mixer_b16_infer_onnxruntime
                return ((InferCase) create("mixer_b16_infer", o)).onOnnxRuntime(name, true);
            case "predict1_int8":
                return new PredictorCase(
                        name,
                        PredictorCase.ONNX,
                        o.onnxModel(),
                        false,
                        0,
                        1,
                        ai.mlpzoo.onnx.Int8Quantizer.MODEL_NAME);
            case "repmlp_t224_infer1":
            case "repmlp_t224_deploy_infer1":
                {
                    RepMlpConfig c = (RepMlpConfig) Configs.variant("repmlpnet_t224");
                    c.deploy = name.contains("deploy");
                    return new InferCase(
                            name, c::toBlock, new Shape(1, 3, 224, 224), Double.NaN, 2, 10);
                }
            case "repmlp_fmnist_infer128":
            case "repmlp_fmnist_deploy_infer128":
                {
                    RepMlpConfig c = (RepMlpConfig) Configs.variant("repmlp_fmnist");
                    c.deploy = name.contains("deploy");
                    return new InferCase(
                            name, c::toBlock, new Shape(128, 1, 28, 28), Double.NaN, 3, 20);
                }
            case "kan_train":
                {
                    int[] widths = {784, 64, 10};
                    KanOptions k = KanOptions.defaults();
                    return new TrainStepCase(
                            name,
                            () -> new KAN(widths, k),
                            new Shape(256, 784),
                            10,
                            Flops.kanTrain(widths, k.numBases(), 256),
                            5,
                            30);
                }
            case "sae_topk_train":
                return new SaeTopKCase(512, 8192, 32, 1024);
            case "predict_rss":
                return new PredictorCase(name, "PyTorch", null, true, o.predictions());
            default:
                break;
        }
        if (name.startsWith("predict1_") || name.startsWith("predict64_")) {
            String e = name.substring(name.indexOf('_') + 1);
            int batch = name.startsWith("predict64_") ? 64 : 1;
            for (String engine : ENGINES) {
                if (engine.toLowerCase(Locale.ROOT).equals(e)) {
                    Path dir = PredictorCase.ONNX.equals(engine) ? o.onnxModel() : null;
                    return new PredictorCase(name, engine, dir, false, 0, batch);
                }
            }
        }
        if (name.startsWith("train_") && FMNIST_VARIANTS.contains(name.substring(6))) {
            MixerConfig c = Configs.mixerVariant(name.substring(6));
            double flops = "mixer".equals(c.block) ? Flops.mixerTrain(c, 128) : Double.NaN;
            return new TrainStepCase(name, c::toBlock, new Shape(128, 1, 28, 28), 10, flops, 3, 30);
        }
        for (CaseGroup g : GROUPS) {
            BenchCase c = g.create(name, o);
            if (c != null) {
                return c;
            }
        }
        InferCase twin = onnxTwinOf(name, o);
        if (twin != null) {
            return twin.onOnnxRuntime(name, false);
        }
        throw unknown(name, names(o));
    }
}
