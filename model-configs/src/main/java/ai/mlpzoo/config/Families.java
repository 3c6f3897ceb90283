package ai.mlpzoo.config;

import ai.mlpzoo.blocks.mixer.MixerFamily;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The registry of model families: each family is registered once, here, and the config reader
 * ({@link Configs#read}), the Mixer config ({@code block} field), the checkpoint importers and the
 * zoo's generator look it up instead of switching on names.
 *
 * <ul>
 *   <li>Vision families, by the {@code block} field of an {@code mlp_mixer} config: {@code mixer},
 *       {@code resmlp}, {@code gmlp}, {@code gmixer}.
 *   <li>KAN kinds, each its own {@code model_type}: {@code bspline} (efficient-kan), {@code rbf}
 *       (alias {@code fastkan}), {@code rational} (KAT's GR-KAN).
 *   <li>timm families, whose variants {@code --format timm} imports: {@code mlp_mixer} and {@code
 *       metaformer} (PoolFormer).
 *   <li>Model types: every config class by its {@code model_type} tag, plus retired tags that are
 *       still read and upgraded ({@code kan_mixer}, now an {@code mlp_mixer} with {@code
 *       "mlp_layer": "kat"}).
 * </ul>
 *
 * Adding a vision family is one {@link MixerFamily} in the blocks and one {@link #register(Vision)}
 * line; adding a KAN kind is its config class and one {@link #register(Kan)} line.
 */
public final class Families {

    /**
     * A Mixer-family architecture, what an {@code mlp_mixer} config's {@code block} names.
     *
     * @param name the {@code block} value
     * @param displayName the paper's name, for listings
     * @param blocks the layer, norms, MLP and activation in one value
     * @param mlpLayers the {@code mlp_layer} values this family accepts, its default first
     * @param imagenetMean timm's normalisation mean of the family's ImageNet weights
     * @param imagenetStd timm's normalisation std of the family's ImageNet weights
     */
    public record Vision(
            String name,
            String displayName,
            MixerFamily blocks,
            List<String> mlpLayers,
            float[] imagenetMean,
            float[] imagenetStd) {

        /** Copies the lists and arrays, so that the registered definition cannot be changed. */
        public Vision {
            mlpLayers = List.copyOf(mlpLayers);
            imagenetMean = imagenetMean.clone();
            imagenetStd = imagenetStd.clone();
        }

        /**
         * @return the mean, a copy
         */
        @Override
        public float[] imagenetMean() {
            return imagenetMean.clone();
        }

        /**
         * @return the std, a copy
         */
        @Override
        public float[] imagenetStd() {
            return imagenetStd.clone();
        }

        /**
         * @return the default {@code mlp_layer}
         */
        public String defaultMlpLayer() {
            return mlpLayers.get(0);
        }
    }

    /**
     * A KAN kind: one {@code model_type} and its config class.
     *
     * @param name the kind ({@code bspline}, {@code rbf}, {@code rational})
     * @param aliases other names for it (a reference library's name)
     * @param displayName a name for listings
     * @param modelType the {@code model_type} of its configs
     * @param configClass its config class
     */
    public record Kan(
            String name,
            List<String> aliases,
            String displayName,
            String modelType,
            Class<? extends ModelConfig> configClass) {

        /** Copies the aliases. */
        public Kan {
            aliases = List.copyOf(aliases);
        }
    }

    /** Reads a config whose model_type is retired, giving the config that replaces it. */
    @FunctionalInterface
    interface Upgrade {
        ModelConfig read(JsonNode tree, String source);
    }

    /** timm's Inception normalisation (Mixer, gMLP). */
    private static final float[] INCEPTION_MEAN = {0.5f, 0.5f, 0.5f};

    private static final float[] INCEPTION_STD = {0.5f, 0.5f, 0.5f};

    /** ImageNet's normalisation (ResMLP, gMixer). */
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private static final Map<String, Vision> VISION = new LinkedHashMap<>();
    private static final Map<String, Kan> KAN = new LinkedHashMap<>();
    private static final Map<String, Kan> KAN_ALIASES = new LinkedHashMap<>();
    private static final Map<String, Class<? extends ModelConfig>> MODEL_TYPES =
            new LinkedHashMap<>();
    private static final Map<String, Upgrade> RETIRED = new LinkedHashMap<>();

    /** The model types whose named variants are timm architectures ({@code --format timm}). */
    private static final java.util.Set<String> TIMM = new java.util.LinkedHashSet<>();

    static {
        MODEL_TYPES.put(MixerConfig.MODEL_TYPE, MixerConfig.class);
        MODEL_TYPES.put(SaeConfig.MODEL_TYPE, SaeConfig.class);
        TIMM.add(MixerConfig.MODEL_TYPE);

        register(
                new Vision(
                        "mixer",
                        "MLP-Mixer",
                        MixerFamily.MIXER,
                        List.of("mlp", "kat"),
                        INCEPTION_MEAN,
                        INCEPTION_STD));
        register(
                new Vision(
                        "resmlp",
                        "ResMLP",
                        MixerFamily.RESMLP,
                        List.of("mlp", "kat"),
                        IMAGENET_MEAN,
                        IMAGENET_STD));
        register(
                new Vision(
                        "gmlp",
                        "gMLP",
                        MixerFamily.GMLP,
                        List.of("gated"),
                        INCEPTION_MEAN,
                        INCEPTION_STD));
        register(
                new Vision(
                        "gmixer",
                        "gMixer",
                        MixerFamily.GMIXER,
                        List.of("glu"),
                        IMAGENET_MEAN,
                        IMAGENET_STD));

        register(
                new Kan(
                        "bspline",
                        List.of("efficient-kan"),
                        "B-spline KAN (efficient-kan)",
                        KanBSplineConfig.MODEL_TYPE,
                        KanBSplineConfig.class));
        register(
                new Kan(
                        "rbf",
                        List.of("fastkan", "fast-kan"),
                        "FastKAN, Gaussian RBF (fast-kan)",
                        FastKanConfig.MODEL_TYPE,
                        FastKanConfig.class));
        register(
                new Kan(
                        "rational",
                        List.of("kat", "gr-kan"),
                        "group-rational KAN, GR-KAN (KAT)",
                        KatRationalConfig.MODEL_TYPE,
                        KatRationalConfig.class));

        // time series (issue 15), after the KANs so that the earlier tags keep their order
        MODEL_TYPES.put(TimeMixerConfig.MODEL_TYPE, TimeMixerConfig.class);
        registerTimm(MetaFormerConfig.MODEL_TYPE, MetaFormerConfig.class);
        MODEL_TYPES.put(MsMlpConfig.MODEL_TYPE, MsMlpConfig.class);
        MODEL_TYPES.put(RaftMlpConfig.MODEL_TYPE, RaftMlpConfig.class);
        MODEL_TYPES.put(StripMlpConfig.MODEL_TYPE, StripMlpConfig.class);

        RETIRED.put(LegacyKanMixer.MODEL_TYPE, LegacyKanMixer::read);

        // time series (issue 15)
        MODEL_TYPES.put(TsMixerConfig.MODEL_TYPE, TsMixerConfig.class);
        MODEL_TYPES.put(PatchTsMixerConfig.MODEL_TYPE, PatchTsMixerConfig.class);

        // vision, part 2 (issue 18)
        MODEL_TYPES.put(ScalingMlpConfig.MODEL_TYPE, ScalingMlpConfig.class);
        MODEL_TYPES.put(KatConfig.MODEL_TYPE, KatConfig.class);
        MODEL_TYPES.put(RepMlpConfig.MODEL_TYPE, RepMlpConfig.class);
        MODEL_TYPES.put(NinformerConfig.MODEL_TYPE, NinformerConfig.class);
        MODEL_TYPES.put(ActivatorConfig.MODEL_TYPE, ActivatorConfig.class);
        MODEL_TYPES.put(HourglassConfig.MODEL_TYPE, HourglassConfig.class);
    }

    private Families() {}

    private static void register(Vision v) {
        if (VISION.putIfAbsent(v.name(), v) != null) {
            throw new IllegalStateException("vision family " + v.name() + " is registered twice");
        }
    }

    /** A model type whose named variants are timm-registered architectures. */
    private static void registerTimm(String modelType, Class<? extends ModelConfig> cls) {
        if (MODEL_TYPES.putIfAbsent(modelType, cls) != null) {
            throw new IllegalStateException("model type " + modelType + " is registered twice");
        }
        TIMM.add(modelType);
    }

    /**
     * Whether a config's named variants are timm architectures, which {@code --format timm} imports
     * by their timm name (Mixer family, MetaFormer/PoolFormer).
     *
     * @param config the config
     * @return true for a timm family
     */
    public static boolean isTimm(ModelConfig config) {
        return TIMM.contains(config.modelType());
    }

    private static void register(Kan k) {
        if (KAN.putIfAbsent(k.name(), k) != null
                || MODEL_TYPES.putIfAbsent(k.modelType(), k.configClass()) != null) {
            throw new IllegalStateException("KAN kind " + k.name() + " is registered twice");
        }
        KAN_ALIASES.put(k.name(), k);
        k.aliases().forEach(a -> KAN_ALIASES.put(a, k));
    }

    /**
     * The vision family an {@code mlp_mixer} config's {@code block} names.
     *
     * @param block the field's value
     * @return the family
     * @throws ConfigException naming the field and the known families
     */
    public static Vision vision(String block) {
        if (block == null) {
            throw new ConfigException(
                    "field 'block' is missing: expected one of "
                            + String.join(", ", VISION.keySet()));
        }
        Vision v = VISION.get(block.toLowerCase(Locale.ROOT));
        if (v == null) {
            throw new ConfigException(
                    "unknown block type '"
                            + block
                            + "' in field 'block': expected one of "
                            + String.join(", ", VISION.keySet()));
        }
        return v;
    }

    /**
     * @return every vision family, in registration order
     */
    public static List<Vision> visions() {
        return List.copyOf(VISION.values());
    }

    /**
     * A KAN kind by its name or an alias ({@code fastkan} is {@code rbf}).
     *
     * @param name the kind
     * @return its definition
     * @throws ConfigException naming the known kinds
     */
    public static Kan kan(String name) {
        Kan k = name == null ? null : KAN_ALIASES.get(name.toLowerCase(Locale.ROOT));
        if (k == null) {
            throw new ConfigException(
                    "unknown KAN kind '"
                            + name
                            + "': expected one of "
                            + String.join(", ", KAN_ALIASES.keySet()));
        }
        return k;
    }

    /**
     * @return every KAN kind, in registration order
     */
    public static List<Kan> kans() {
        return List.copyOf(KAN.values());
    }

    /**
     * Registers a model type defined outside this module (a plug-in family, or a test's model), so
     * that {@link Configs#read} and model directories read it like the built-in ones.
     *
     * @param modelType the {@code model_type} tag
     * @param configClass its Jackson-bound config class
     * @throws IllegalStateException when the tag is taken by another class
     */
    public static synchronized void registerModelType(
            String modelType, Class<? extends ModelConfig> configClass) {
        Class<? extends ModelConfig> old = MODEL_TYPES.putIfAbsent(modelType, configClass);
        if (old != null && old != configClass) {
            throw new IllegalStateException(
                    "model_type " + modelType + " is registered twice: " + old.getName());
        }
    }

    /**
     * @return every {@code model_type} a config may carry today, in registration order
     */
    public static List<String> modelTypes() {
        return Collections.unmodifiableList(new ArrayList<>(MODEL_TYPES.keySet()));
    }

    /**
     * Reads a config tree by its {@code model_type}, upgrading a retired one.
     *
     * @param modelType the tag
     * @param tree the JSON object
     * @param source where it came from, for messages
     * @return the validated config
     * @throws ConfigException naming the known model types when the tag is unknown
     */
    static ModelConfig read(String modelType, JsonNode tree, String source) {
        Upgrade upgrade = RETIRED.get(modelType);
        if (upgrade != null) {
            return upgrade.read(tree, source);
        }
        Class<? extends ModelConfig> cls = MODEL_TYPES.get(modelType);
        if (cls == null) {
            throw new ConfigException(
                    source
                            + ": unknown model_type '"
                            + modelType
                            + "'; known: "
                            + String.join(", ", MODEL_TYPES.keySet()));
        }
        return Configs.bind(tree, cls, source);
    }
}
