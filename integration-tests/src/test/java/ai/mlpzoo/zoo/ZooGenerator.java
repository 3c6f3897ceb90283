package ai.mlpzoo.zoo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.Families;
import ai.mlpzoo.config.KanBSplineConfig;
import ai.mlpzoo.config.MixerConfig;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.translate.ImageClassifierFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the packaged zoo under {@code mlp-zoo/src/main/resources/ai/mlpzoo/zoo/models/}: the
 * Fashion-MNIST model directories of the three Mixer families and the KAN with <b>random</b>
 * weights (placeholders: training replaces only model-0000.params and its .sha256, then flips
 * {@code pretrained} in index.json), the architecture-only ImageNet variants, and index.json. The
 * families and their variants come from {@link Families} and model-configs' variants; every
 * architecture.json is rendered from the variant its index entry names, so that a variant is
 * defined once ({@code PackagedArchitecturesTest} fails when a packaged copy differs). Run from the
 * repository root (the reactor puts the sibling modules' target/classes on the class path, so
 * nothing needs installing):
 *
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -pl integration-tests -am -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp integration-tests/target/test-classes:$(cat /tmp/cp.txt) ai.mlpzoo.zoo.ZooGenerator
 * </pre>
 *
 * With {@code --architectures} as the first argument it rewrites only the architecture.json files
 * of the entries in the existing index.json (weights, metadata and index untouched): the step after
 * changing a variant or the way configs are written.
 */
public final class ZooGenerator {

    private static final String ROOT = "mlp-zoo/src/main/resources/" + ClasspathRepository.ROOT;
    private static final String IMAGE_CLASSIFICATION = "cv/image_classification";

    private ZooGenerator() {}

    /**
     * @param args optional: the repository root
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        boolean architecturesOnly = args.length > 0 && "--architectures".equals(args[0]);
        int rootArg = architecturesOnly ? 1 : 0;
        Path root = Paths.get(args.length > rootArg ? args[rootArg] : ".").resolve(ROOT);
        if (architecturesOnly) {
            writeArchitectures(root);
            return;
        }
        ArrayNode models = Configs.MAPPER.createArrayNode();
        int seed = 1;
        for (Families.Vision family : Families.visions()) {
            String artifact = family.name();
            models.add(fmnist(root, family, seed++));
            for (String name : Configs.variantNames()) {
                if (name.startsWith(artifact + "_") && !name.endsWith("_fmnist")) {
                    models.add(imagenet(root, family, name.substring(artifact.length() + 1)));
                }
            }
        }
        models.add(kanFmnist(root, seed));
        ObjectNode index = Configs.MAPPER.createObjectNode();
        index.set("models", models);
        Files.writeString(root.resolve(ZooIndex.FILE), Configs.toJson(index) + "\n");
        System.out.println("wrote " + models.size() + " models to " + root);
    }

    /** Rewrites the architecture.json of every index entry that names its variant. */
    static void writeArchitectures(Path root) throws Exception {
        ZooIndex index;
        try (java.io.InputStream is = Files.newInputStream(root.resolve(ZooIndex.FILE))) {
            index = ZooIndex.read(is, root.resolve(ZooIndex.FILE).toString());
        }
        for (ZooEntry e : index.entries()) {
            if (e.architecture() != null) {
                Path file =
                        root.resolve(e.artifactId())
                                .resolve(e.variant())
                                .resolve(ModelDirs.ARCHITECTURE);
                Files.writeString(
                        file, ModelDirs.architectureJson(Configs.variant(e.architecture())));
                System.out.println("wrote " + file + " from variant " + e.architecture());
            }
        }
    }

    private static ObjectNode fmnist(Path root, Families.Vision family, int seed) throws Exception {
        String artifact = family.name();
        MixerConfig config = Configs.mixerVariant(artifact + "_fmnist");
        long params = saveFmnist(root, artifact, config, false, seed);
        return entry(
                artifact,
                "fmnist",
                "fashion-mnist",
                String.format(
                        Locale.ROOT,
                        "%s for Fashion-MNIST: %d blocks x %d, patch %d, 28x28 grey, 10 classes",
                        family.displayName(),
                        config.numBlocks,
                        config.embedDim,
                        config.patchSize),
                params);
    }

    /**
     * Writes {@code <artifact>/fmnist} with randomly initialised weights (a placeholder until
     * training replaces them) and the image translator.
     *
     * @return the parameter count
     */
    private static long saveFmnist(
            Path root, String artifact, ModelConfig config, boolean flatten, int seed)
            throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(seed);
            Block block = config.toBlock();
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            ModelDirs.save(
                    root.resolve(artifact).resolve("fmnist"),
                    config,
                    block,
                    Configs.toJson(fmnistMeta(flatten)) + "\n",
                    Map.of("translatorFactory", ImageClassifierFactory.class.getName()));
            return NamedParameters.count(block);
        }
    }

    /**
     * The preprocessing metadata of a Fashion-MNIST classifier; {@code flatten} for flat-vector
     * models.
     */
    private static ObjectNode fmnistMeta(boolean flatten) {
        ObjectNode meta = Configs.MAPPER.createObjectNode();
        meta.put("dataset", "fashion-mnist");
        meta.set(
                "input_size",
                Configs.MAPPER.valueToTree(new int[] {1, FashionMnist.SIZE, FashionMnist.SIZE}));
        meta.set("mean", Configs.MAPPER.valueToTree(new float[] {FashionMnist.MEAN}));
        meta.set("std", Configs.MAPPER.valueToTree(new float[] {FashionMnist.STD}));
        if (flatten) {
            meta.put("flatten", true);
        }
        meta.set("label_names", Configs.MAPPER.valueToTree(FashionMnist.CLASSES));
        return meta;
    }

    /** efficient-kan's MNIST classifier, KAN [784, 64, 10], on flat Fashion-MNIST images. */
    private static ObjectNode kanFmnist(Path root, int seed) throws Exception {
        KanBSplineConfig config = (KanBSplineConfig) Configs.variant("kan_fmnist");
        long params = saveFmnist(root, "kan", config, true, seed);
        return entry(
                "kan",
                "fmnist",
                "fashion-mnist",
                "B-spline KAN [784, 64, 10] (efficient-kan, G 5, k 3) for Fashion-MNIST: 784 flat grey pixels, 10 classes",
                params);
    }

    private static ObjectNode imagenet(Path root, Families.Vision family, String variant)
            throws Exception {
        String artifact = family.name();
        MixerConfig config = Configs.mixerVariant(artifact + "_" + variant);
        Path dir = root.resolve(artifact).resolve(variant);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ModelDirs.ARCHITECTURE), ModelDirs.architectureJson(config));
        // timm's pretrained_cfg, registered per family
        float[] mean = family.imagenetMean();
        float[] std = family.imagenetStd();
        ObjectNode meta = Configs.MAPPER.createObjectNode();
        meta.put("dataset", "imagenet-1k");
        meta.put("timm_architecture", config.name);
        meta.set(
                "input_size",
                Configs.MAPPER.valueToTree(
                        new int[] {config.inChans, config.imgSize, config.imgSize}));
        meta.set("mean", Configs.MAPPER.valueToTree(mean));
        meta.set("std", Configs.MAPPER.valueToTree(std));
        Files.writeString(dir.resolve(ModelDirs.METADATA), Configs.toJson(meta) + "\n");
        Files.writeString(
                dir.resolve("serving.properties"),
                "# architecture only: timm's random initialisation, no weights shipped\n"
                        + "engine=PyTorch\n"
                        + "blockFactory="
                        + RandomInitBlockFactory.class.getName()
                        + "\n"
                        + "translatorFactory="
                        + ImageClassifierFactory.class.getName()
                        + "\n"
                        + "option.modelName="
                        + ModelDirs.MODEL_NAME
                        + "\n"
                        + "option.hasParameter=false\n");
        long params;
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = config.toBlock();
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            params = NamedParameters.count(block);
        }
        return entry(
                artifact,
                variant,
                "imagenet-1k",
                String.format(
                        Locale.ROOT,
                        "timm %s (%d blocks x %d, patch %d, %dx%d RGB, %d classes); architecture only, random init",
                        config.name,
                        config.numBlocks,
                        config.embedDim,
                        config.patchSize,
                        config.imgSize,
                        config.imgSize,
                        config.numClasses),
                params);
    }

    private static ObjectNode entry(
            String artifact, String variant, String dataset, String description, long params) {
        ObjectNode e = Configs.MAPPER.createObjectNode();
        e.put("artifactId", artifact);
        e.put("variant", variant);
        e.put("architecture", artifact + "_" + variant);
        e.put("application", IMAGE_CLASSIFICATION);
        e.set("properties", Configs.MAPPER.createObjectNode().put("dataset", dataset));
        e.put("description", description);
        e.put("pretrained", false);
        e.put("parameters", params);
        System.out.printf(
                Locale.ROOT, "%-8s %-10s %,13d  %s%n", artifact, variant, params, description);
        return e;
    }
}
