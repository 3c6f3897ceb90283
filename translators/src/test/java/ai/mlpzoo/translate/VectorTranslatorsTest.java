package ai.mlpzoo.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslateException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** float[] regression and SAE feature translators, and their factory. */
class VectorTranslatorsTest {

    @TempDir Path tmp;

    /** y = 2x + 1 on every feature, as "output". */
    private static Function<NDList, NDList> affine() {
        return in -> {
            NDArray y = in.singletonOrThrow().mul(2).add(1);
            y.setName("output");
            return new NDList(y);
        };
    }

    /** A toy SAE: latents = relu([x, -x]) as "feature_acts", reconstruction as "output". */
    private static Function<NDList, NDList> toySae() {
        return in -> {
            NDArray x = in.singletonOrThrow();
            NDArray acts = x.concat(x.neg(), -1).maximum(0f);
            acts.setName("feature_acts");
            NDArray out = x.duplicate();
            out.setName("output");
            return new NDList(out, acts);
        };
    }

    @Test
    void regressionMapsVectorsToVectorsOneByOneAndInBatches() throws Exception {
        try (Model model = TestModels.model(tmp.resolve("m"), "{\"input_size\": [3]}", affine());
                Predictor<float[], float[]> p =
                        model.newPredictor(
                                new VectorTranslatorFactory()
                                        .newInstance(
                                                float[].class, float[].class, model, Map.of()))) {
            assertArrayEquals(new float[] {1f, 3f, -1f}, p.predict(new float[] {0f, 1f, -1f}));
            List<float[]> batch =
                    p.batchPredict(List.of(new float[] {1f, 2f, 3f}, new float[] {0.5f, 0f, -2f}));
            assertArrayEquals(new float[] {3f, 5f, 7f}, batch.get(0));
            assertArrayEquals(new float[] {2f, 1f, -3f}, batch.get(1));
        }
    }

    @Test
    void regressionRefusesWrongLengthAndNonFiniteInputs() throws Exception {
        try (Model model = TestModels.model(tmp.resolve("m"), "{\"input_size\": [3]}", affine());
                Predictor<float[], float[]> p =
                        model.newPredictor(
                                new VectorTranslatorFactory()
                                        .newInstance(
                                                float[].class, float[].class, model, Map.of()))) {
            assertMessage(p, new float[] {1f, 2f}, "takes vectors of 3 features, got 2");
            assertMessage(p, new float[] {1f, Float.NaN, 2f}, "input feature 1 is NaN");
            assertMessage(
                    p,
                    new float[] {1f, 2f, Float.POSITIVE_INFINITY},
                    "input feature 2 is Infinity");
        }
    }

    @Test
    void nonFiniteOutputsAreRefusedNotReturned() throws Exception {
        // 3e38 * 2 overflows float32: the output is infinite although the input is finite
        try (Model model = TestModels.model(tmp.resolve("m"), "{\"input_size\": [3]}", affine());
                Predictor<float[], float[]> p =
                        model.newPredictor(
                                new VectorTranslatorFactory()
                                        .newInstance(
                                                float[].class, float[].class, model, Map.of()))) {
            assertMessage(p, new float[] {3e38f, 0f, 0f}, "output 'output' is not finite");
        }
        Function<NDList, NDList> overflowingSae =
                in -> {
                    NDArray acts = in.singletonOrThrow().mul(4f);
                    acts.setName("feature_acts");
                    return new NDList(acts);
                };
        try (Model model = TestModels.model(tmp.resolve("s"), null, overflowingSae);
                Predictor<float[], SparseFeatures> p =
                        model.newPredictor(
                                new VectorTranslatorFactory()
                                        .newInstance(
                                                float[].class,
                                                SparseFeatures.class,
                                                model,
                                                Map.of()))) {
            assertMessage(p, new float[] {1f, 3e38f}, "output 'feature_acts' is not finite");
        }
    }

    private static void assertMessage(Predictor<float[], ?> p, float[] input, String expected) {
        Exception e = assertThrows(Exception.class, () -> p.predict(input));
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        assertTrue(all.toString().contains(expected), all.toString());
    }

    @Test
    void saeFeaturesAreTheActiveLatentsInIndexOrder() throws Exception {
        try (Model model = TestModels.model(tmp.resolve("m"), null, toySae());
                Predictor<float[], SparseFeatures> p =
                        model.newPredictor(
                                new VectorTranslatorFactory()
                                        .newInstance(
                                                float[].class,
                                                SparseFeatures.class,
                                                model,
                                                Map.of()))) {
            SparseFeatures f = p.predict(new float[] {0.5f, -2f, 0f, 3f});
            // latents [0.5, 0, 0, 3, 0, 2, 0, 0]
            assertEquals(8, f.width());
            assertArrayEquals(new int[] {0, 3, 5}, f.indices());
            assertArrayEquals(new float[] {0.5f, 3f, 2f}, f.values());
            assertArrayEquals(new float[] {0.5f, 0, 0, 3f, 0, 2f, 0, 0}, f.toDense());
        }
    }

    @Test
    void saeTopKAndThresholdArgumentsSelectFeatures() throws Exception {
        try (Model model = TestModels.model(tmp.resolve("m"), null, toySae());
                Predictor<float[], SparseFeatures> p =
                        model.newPredictor(
                                new VectorTranslatorFactory()
                                        .newInstance(
                                                float[].class,
                                                SparseFeatures.class,
                                                model,
                                                Map.of("topK", "2", "threshold", "0.6")))) {
            SparseFeatures f = p.predict(new float[] {0.5f, -2f, 0f, 3f, -0.7f});
            // latents [0.5, 0, 0, 3, 0 | 0, 2, 0, 0, 0.7]: above 0.6 are 3, 2, 0.7; the top two are
            // 3 and 2
            assertArrayEquals(new int[] {3, 6}, f.indices());
            assertArrayEquals(new float[] {3f, 2f}, f.values());
        }
    }

    @Test
    void aModelWithoutTheExpectedOutputNamesTheOutputsItHas() throws Exception {
        try (Model model = TestModels.model(tmp.resolve("m"), null, affine());
                Predictor<float[], SparseFeatures> p =
                        model.newPredictor(
                                new VectorTranslatorFactory()
                                        .newInstance(
                                                float[].class,
                                                SparseFeatures.class,
                                                model,
                                                Map.of()))) {
            TranslateException e =
                    assertThrows(TranslateException.class, () -> p.predict(new float[] {1f}));
            assertTrue(
                    e.getMessage()
                            .contains("no output named 'feature_acts'; its outputs are output"),
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "0, 3", "0.5, 0", "0.5, 2", "2, 1"})
    void sparseFeaturesMatchABruteForceSelection(float threshold, int topK) {
        Random r = new Random(17);
        for (int trial = 0; trial < 20; trial++) {
            float[] dense = new float[12];
            for (int i = 0; i < dense.length; i++) {
                dense[i] = r.nextInt(3) == 0 ? 0f : (float) r.nextGaussian() * 2;
            }
            SparseFeatures f = SparseFeatures.of(dense, threshold, topK);
            // brute force: rank |v| > threshold descending, keep topK, compare as sets
            Integer[] order = new Integer[dense.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Float.compare(Math.abs(dense[b]), Math.abs(dense[a])));
            int[] want =
                    Arrays.stream(order)
                            .filter(i -> Math.abs(dense[i]) > threshold)
                            .limit(topK > 0 ? topK : Long.MAX_VALUE)
                            .mapToInt(Integer::intValue)
                            .sorted()
                            .toArray();
            assertArrayEquals(want, f.indices(), Arrays.toString(dense));
            for (int i = 0; i < want.length; i++) {
                assertEquals(dense[want[i]], f.values()[i]);
            }
        }
    }

    @Test
    void sparseFeaturesRefuseInconsistentArrays() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SparseFeatures(new int[] {2, 1}, new float[] {1f, 1f}, 4));
        assertTrue(e.getMessage().contains("ascending"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SparseFeatures(new int[] {0}, new float[] {1f, 1f}, 4));
        assertTrue(e.getMessage().contains("1 indices but 2 values"), e.getMessage());
    }

    @Test
    void factoryListsItsTypes() throws Exception {
        VectorTranslatorFactory f = new VectorTranslatorFactory();
        assertTrue(f.isSupported(float[].class, float[].class));
        assertTrue(f.isSupported(float[].class, SparseFeatures.class));
        assertTrue(f.isSupported(NDList.class, NDList.class));
        assertFalse(f.isSupported(String.class, float[].class));
        try (Model model = TestModels.model(tmp.resolve("m"), null, affine())) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> f.newInstance(String.class, float[].class, model, Map.of()));
            assertTrue(
                    e.getMessage().contains("unsupported types java.lang.String -> [F"),
                    e.getMessage());
        }
    }
}
