package ai.mlpzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Application;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.Artifact;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged zoo as a DJL user sees it: listing, Criteria lookup, and errors that name what
 * exists.
 */
class MlpModelZooTest {

    private static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    private static Image randomGrey(long seed, int w, int h) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        return ImageFactory.getInstance().fromImage(img);
    }

    @Test
    void zooIsRegisteredWithDjlAndListsEveryFamilyAndVariant() throws Exception {
        assertInstanceOf(
                MlpModelZoo.class,
                ModelZoo.getModelZoo("ai.mlpzoo"),
                "found through META-INF/services");
        Map<Application, List<MRL>> models = ModelZoo.listModels();
        List<MRL> ours =
                models.getOrDefault(Application.CV.IMAGE_CLASSIFICATION, List.of()).stream()
                        .filter(m -> "ai.mlpzoo".equals(m.getGroupId()))
                        .collect(Collectors.toList());
        assertEquals(
                List.of(
                        "activator",
                        "gmixer",
                        "gmlp",
                        "hourglass",
                        "kan",
                        "kat",
                        "mixer",
                        "ms-mlp",
                        "ninformer",
                        "poolformer",
                        "raft-mlp",
                        "repmlp",
                        "resmlp",
                        "scaling-mlp",
                        "strip-mlp"),
                ours.stream().map(MRL::getArtifactId).sorted().collect(Collectors.toList()));
        for (MRL mrl : ours) {
            List<String> variants =
                    mrl.listArtifacts().stream()
                            .map(Artifact::getName)
                            .collect(Collectors.toList());
            assertTrue(variants.contains("fmnist"), mrl + " " + variants);
            if (!Set.of(
                            "kan",
                            "hourglass",
                            "scaling-mlp",
                            "gmixer",
                            "ninformer",
                            "repmlp",
                            "ms-mlp",
                            "raft-mlp",
                            "poolformer",
                            "strip-mlp",
                            "activator",
                            "kat")
                    .contains(mrl.getArtifactId())) {
                assertTrue(variants.size() >= 4, mrl + " has the timm sizes too: " + variants);
            }
        }
        Artifact b16 =
                ModelZoo.getModelZoo("ai.mlpzoo")
                        .getModelLoader("mixer")
                        .getMrl()
                        .match(Map.of("variant", "b16_224"));
        assertEquals(Map.of("variant", "b16_224", "dataset", "imagenet-1k"), b16.getProperties());
        // 28 vision and KAN entries, 4 forecasters (minilm is in the nlp module's jar)
        assertEquals(32, MlpZoo.entries().size());
        List<String> forecasters =
                models.getOrDefault(Application.TimeSeries.FORECASTING, List.of()).stream()
                        .filter(m -> "ai.mlpzoo".equals(m.getGroupId()))
                        .map(MRL::getArtifactId)
                        .sorted()
                        .collect(Collectors.toList());
        assertEquals(List.of("timemixer", "tsmixer"), forecasters);
    }

    @ParameterizedTest
    @ValueSource(strings = {"timemixer", "tsmixer"})
    void forecastersLoadByFiltersAndForecastRawWindowsInRawUnits(String artifact) throws Exception {
        Criteria<ai.mlpzoo.translate.TimeSeries, ai.mlpzoo.translate.Forecast> criteria =
                Criteria.builder()
                        .setTypes(
                                ai.mlpzoo.translate.TimeSeries.class,
                                ai.mlpzoo.translate.Forecast.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId(artifact)
                        .optFilter("variant", "etth1_h96")
                        .build();
        try (ZooModel<ai.mlpzoo.translate.TimeSeries, ai.mlpzoo.translate.Forecast> model =
                        criteria.loadModel();
                Predictor<ai.mlpzoo.translate.TimeSeries, ai.mlpzoo.translate.Forecast> p =
                        model.newPredictor()) {
            int context = "timemixer".equals(artifact) ? 96 : 512;
            // an oil temperature around 17 C with a daily cycle, the other loads at their means
            float[] mean = {7.94f, 2.02f, 5.08f, 0.75f, 2.78f, 0.79f, 17.13f};
            float[][] values = new float[context][7];
            java.time.LocalDateTime[] stamps = new java.time.LocalDateTime[context];
            java.time.LocalDateTime t0 = java.time.LocalDateTime.of(2017, 10, 1, 0, 0);
            for (int t = 0; t < context; t++) {
                stamps[t] = t0.plusHours(t);
                for (int c = 0; c < 7; c++) {
                    values[t][c] = mean[c] + (float) Math.sin(2 * Math.PI * t / 24);
                }
            }
            ai.mlpzoo.translate.Forecast f =
                    p.predict(new ai.mlpzoo.translate.TimeSeries(values, stamps));
            assertEquals(96, f.values().length);
            assertEquals(7, f.values()[0].length);
            assertEquals(t0.plusHours(context), f.timestamps()[0]);
            assertEquals(
                    List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"), f.columns());
            // raw units: the forecast oil temperature stays near the window's, not near 0
            // (z-scores)
            for (float[] row : f.values()) {
                assertTrue(Math.abs(row[6] - 17.13f) < 10, "OT forecast " + row[6]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "mixer",
                "resmlp",
                "gmlp",
                "hourglass",
                "scaling-mlp",
                "gmixer",
                "ninformer",
                "repmlp",
                "ms-mlp",
                "raft-mlp",
                "poolformer",
                "strip-mlp",
                "activator",
                "kat"
            })
    void fmnistModelsLoadByFiltersAndClassifyImagesWithFashionMnistLabels(String artifact)
            throws Exception {
        Criteria<Image, Classifications> criteria =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId(artifact)
                        .optFilter("variant", "fmnist")
                        .build();
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> p = model.newPredictor()) {
            Classifications c = p.predict(randomGrey(1, 28, 28));
            assertEquals(Arrays.asList(FashionMnist.CLASSES), c.getClassNames());
            double sum = c.getProbabilities().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, sum, 1e-5);
            assertTrue(
                    model.getModelPath()
                            .toString()
                            .contains(Paths.get("mlpzoo", artifact, "fmnist").toString()),
                    "cached under DJL's cache dir: " + model.getModelPath());
        }
    }

    @Test
    void zooLoadsExactlyThePackagedWeights() throws Exception {
        // the same directory loaded straight from the build's resources gives identical outputs
        Path resources =
                Paths.get(
                        "../mlp-zoo/src/main/resources",
                        ClasspathRepository.ROOT,
                        "mixer",
                        "fmnist");
        Criteria<NDList, NDList> fromZoo =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("mixer")
                        .optFilter("variant", "fmnist")
                        .build();
        Criteria<NDList, NDList> fromDir =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(resources)
                        .build();
        try (NDManager m = NDManager.newBaseManager();
                ZooModel<NDList, NDList> a = fromZoo.loadModel();
                ZooModel<NDList, NDList> b = fromDir.loadModel();
                Predictor<NDList, NDList> pa = a.newPredictor();
                Predictor<NDList, NDList> pb = b.newPredictor()) {
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(4, 1, 28, 28));
            NDArray ya = pa.predict(new NDList(x)).get(0);
            NDArray yb = pb.predict(new NDList(x)).get(0);
            assertEquals(new Shape(4, 10), ya.getShape());
            assertTrue(ya.contentEquals(yb), "identical logits");
        }
    }

    @Test
    void servingPropertiesChooseTheTranslatorOfAModelDirectoryLoadedByPath() throws Exception {
        // DJL reads serving.properties' translatorFactory for a path only through its deferred
        // factory
        Path dir =
                Paths.get(
                        "../mlp-zoo/src/main/resources",
                        ClasspathRepository.ROOT,
                        "gmlp",
                        "fmnist");
        Criteria<Image, Classifications> criteria =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optModelPath(dir)
                        .optTranslatorFactory(new ai.djl.translate.DeferredTranslatorFactory())
                        .optArgument("topK", 3)
                        .build();
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> p = model.newPredictor()) {
            Classifications c = p.predict(randomGrey(4, 28, 28));
            assertEquals(Arrays.asList(FashionMnist.CLASSES), c.getClassNames());
            assertEquals(3, c.topK().size(), "Criteria argument topK reaches the translator");
        }
    }

    @Test
    void filtersAloneFindAModelAsInDjl() throws Exception {
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("ai.mlpzoo")
                        .optApplication(Application.CV.IMAGE_CLASSIFICATION)
                        .optFilter("dataset", "fashion-mnist")
                        .build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel()) {
            assertTrue(
                    model.getModelPath().toString().contains("fmnist"),
                    model.getModelPath().toString());
        }
    }

    @Test
    void unknownFilterNamesEveryArtifactVariantAndFilter() {
        Criteria<Image, Classifications> criteria =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("mixer")
                        .optFilter("variant", "cifar10")
                        .build();
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, criteria::loadModel);
        String msg = chain(e);
        for (String s :
                new String[] {
                    "artifact 'mixer' with filters {variant=cifar10}",
                    "mixer [variant: fmnist (pretrained), s32_224",
                    "kan [variant: fmnist",
                    "b16_224",
                    "resmlp [variant: fmnist",
                    "gmlp [variant: fmnist",
                    "filters: variant, dataset"
                }) {
            assertTrue(msg.contains(s), "'" + s + "' in " + msg);
        }
        // the facade puts the same list on top
        ModelNotFoundException direct =
                assertThrows(ModelNotFoundException.class, () -> MlpZoo.loadModel(criteria));
        assertTrue(direct.getMessage().contains("mixer [variant: fmnist"), direct.getMessage());
    }

    @Test
    void unknownArtifactIsNamedWithWhatExists() {
        Criteria<Image, Classifications> criteria =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("vit")
                        .build();
        // DJL's Criteria rejects it before asking any zoo, with its own message
        assertThrows(ModelNotFoundException.class, criteria::loadModel);
        ModelNotFoundException e =
                assertThrows(ModelNotFoundException.class, () -> MlpZoo.loadModel(criteria));
        assertTrue(e.getMessage().contains("artifact 'vit' (unknown artifact)"), e.getMessage());
        assertTrue(e.getMessage().contains("mixer [variant: fmnist"), e.getMessage());
        assertTrue(e.getMessage().contains("gmlp [variant: fmnist"), e.getMessage());
    }

    @Test
    void architectureOnlyVariantIsBuiltWithRandomInitAndReproducibleWithASeed() throws Exception {
        float[] a = firstWeights(7);
        float[] b = firstWeights(7);
        float[] c = firstWeights(8);
        assertTrue(Arrays.equals(a, b), "same seed, same weights");
        assertTrue(!Arrays.equals(a, c), "another seed, other weights");
    }

    /** The patch-embedding weights of mixer s32_224 loaded from the zoo with a seed. */
    private static float[] firstWeights(int seed) throws Exception {
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("mixer")
                        .optFilter("variant", "s32_224")
                        .optArgument("seed", seed)
                        .build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel()) {
            ai.djl.nn.Parameter w =
                    ai.mlpzoo.blocks.common.NamedParameters.of(model.getBlock())
                            .get("stem.proj.weight");
            assertNotNull(w, "stem.proj.weight");
            assertEquals(new Shape(512, 3, 32, 32), w.getShape());
            return w.getArray().toFloatArray();
        }
    }

    @Test
    void architectureOnlyVariantClassifiesAnImageOfAnySizeIntoNumberedClasses() throws Exception {
        Criteria<Image, Classifications> criteria =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("mixer")
                        .optFilter("variant", "s32_224")
                        .build();
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> p = model.newPredictor()) {
            Classifications c = p.predict(randomGrey(2, 100, 60));
            assertEquals(1000, c.getClassNames().size());
            assertEquals("999", c.getClassNames().get(999));
        }
    }
}
