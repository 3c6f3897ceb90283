package ai.mlpzoo.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image translator against hand-computed preprocessing: a model that returns its (normalised)
 * input pixels as logits makes the class probabilities a softmax of exactly what the translator fed
 * it.
 */
class ImageClassifierTest {

    private static final float MEAN = 0.2860f;
    private static final float STD = 0.3530f;
    private static final String GREY_META =
            "{\"input_size\": [1, 4, 5], \"mean\": [0.2860], \"std\": [0.3530]}";

    @TempDir Path tmp;

    private static Image grey(int[][] px) {
        int h = px.length;
        int w = px[0].length;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, px[y][x]);
            }
        }
        return ImageFactory.getInstance().fromImage(img);
    }

    private static int[][] randomPixels(long seed, int h, int w) {
        Random r = new Random(seed);
        int[][] px = new int[h][w];
        for (int[] row : px) {
            for (int x = 0; x < w; x++) {
                row[x] = r.nextInt(256);
            }
        }
        return px;
    }

    /** Softmax of ((p / 255 - mean) / std) over the pixels in row-major order. */
    private static double[] expected(int[][] px, float mean, float std) {
        int w = px[0].length;
        double[] z = new double[px.length * w];
        for (int y = 0; y < px.length; y++) {
            for (int x = 0; x < w; x++) {
                z[y * w + x] = (px[y][x] / 255.0 - mean) / std;
            }
        }
        return TestModels.softmax(z);
    }

    private Classifications classify(Model model, Image image) throws Exception {
        Translator<Image, Classifications> t =
                new ImageClassifierFactory()
                        .newInstance(Image.class, Classifications.class, model, Map.of());
        try (Predictor<Image, Classifications> p = model.newPredictor(t)) {
            return p.predict(image);
        }
    }

    private static void assertProbabilities(double[] expected, Classifications c) {
        List<Double> got = c.getProbabilities();
        assertEquals(expected.length, got.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got.get(i), 1e-6, "class " + i);
        }
    }

    @Test
    void greyImageIsScaledNormalisedAndClassifiedWithTheModelsOwnSettings() throws Exception {
        int[][] px = randomPixels(1, 4, 5);
        try (Model model = TestModels.model(tmp.resolve("m"), GREY_META, TestModels.flatten())) {
            Classifications c = classify(model, grey(px));
            assertProbabilities(expected(px, MEAN, STD), c);
            assertEquals("0", c.getClassNames().get(0), "numbered classes without label_names");
        }
    }

    @Test
    void flattenInMetadataFeedsTheNormalisedImageAsOneVector() throws Exception {
        int[][] px = randomPixels(4, 4, 5);
        String meta =
                "{\"input_size\": [1, 4, 5], \"mean\": [0.2860], \"std\": [0.3530], \"flatten\": true}";
        java.util.List<Shape> seen = new java.util.ArrayList<>();
        Function<NDList, NDList> vectorModel =
                in -> {
                    NDArray x = in.singletonOrThrow();
                    seen.add(x.getShape());
                    NDArray out = x.duplicate();
                    out.setName("output");
                    return new NDList(out);
                };
        try (Model model = TestModels.model(tmp.resolve("m"), meta, vectorModel)) {
            assertProbabilities(expected(px, MEAN, STD), classify(model, grey(px)));
        }
        assertEquals(java.util.List.of(new Shape(1, 20)), seen, "a batch of one flat 1*4*5 vector");
    }

    @Test
    void flattenMustBeABoolean() {
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> ModelInfo.parse("{\"flatten\": \"yes\"}", "meta.json"));
        assertTrue(e.getMessage().contains("'flatten' must be true or false"), e.getMessage());
    }

    @Test
    void figuresRecordedAtTrainingAreReadAsNumbersOnly() throws Exception {
        ModelInfo info =
                ModelInfo.parse(
                        "{\"test_accuracy\": 0.9137, \"epochs\": 20, \"dataset\": \"fashion-mnist\"}",
                        "meta.json");
        assertEquals(0.9137, info.figure("test_accuracy").getAsDouble(), 0);
        assertEquals(20, info.figure("epochs").getAsDouble(), 0);
        assertTrue(info.figure("dataset").isEmpty(), "a string is not a figure");
        assertTrue(info.figure("test_mse").isEmpty(), "absent");
    }

    @Test
    void colourImageForAOneChannelModelIsReadAsItsLuminance() throws Exception {
        Random r = new Random(2);
        BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        int[][] lum = new int[4][5];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                int red = r.nextInt(256);
                int green = r.nextInt(256);
                int blue = r.nextInt(256);
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
                lum[y][x] = Math.round(0.299f * red + 0.587f * green + 0.114f * blue);
            }
        }
        try (Model model = TestModels.model(tmp.resolve("m"), GREY_META, TestModels.flatten())) {
            Classifications c = classify(model, ImageFactory.getInstance().fromImage(img));
            assertProbabilities(expected(lum, MEAN, STD), c);
        }
    }

    @Test
    void greyImageForAThreeChannelModelIsRepeatedOnEveryChannelWithItsOwnMeanAndStd()
            throws Exception {
        int[][] px = randomPixels(3, 2, 3);
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        String meta =
                "{\"input_size\": [3, 2, 3], \"mean\": [0.485, 0.456, 0.406], \"std\": [0.229, 0.224, 0.225]}";
        double[] z = new double[18];
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    z[ch * 6 + y * 3 + x] = (px[y][x] / 255.0 - mean[ch]) / std[ch];
                }
            }
        }
        try (Model model = TestModels.model(tmp.resolve("m"), meta, TestModels.flatten())) {
            assertProbabilities(TestModels.softmax(z), classify(model, grey(px)));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void imageOfAnotherSizeIsResizedToTheModelsInputSize(int factor) throws Exception {
        // an image blown up by pixel repetition shrinks back exactly under area averaging
        int[][] px = randomPixels(4, 4, 5);
        int[][] big = new int[4 * factor][5 * factor];
        for (int y = 0; y < big.length; y++) {
            for (int x = 0; x < big[0].length; x++) {
                big[y][x] = px[y / factor][x / factor];
            }
        }
        try (Model model = TestModels.model(tmp.resolve("m"), GREY_META, TestModels.flatten())) {
            assertProbabilities(expected(px, MEAN, STD), classify(model, grey(big)));
            // enlarging a uniform image keeps it uniform: every class equally likely
            int[][] small = {{90, 90}, {90, 90}};
            Classifications c = classify(model, grey(small));
            assertEquals(20, c.getProbabilities().size());
            for (double p : c.getProbabilities()) {
                assertEquals(1 / 20.0, p, 1e-6);
            }
        }
    }

    @Test
    void classNamesComeFromTheMetadata() throws Exception {
        String meta = "{\"input_size\": [1, 1, 3], \"label_names\": [\"cat\", \"dog\", \"owl\"]}";
        try (Model model = TestModels.model(tmp.resolve("m"), meta, TestModels.flatten())) {
            Classifications c = classify(model, grey(new int[][] {{0, 255, 10}}));
            assertEquals(List.of("cat", "dog", "owl"), c.getClassNames());
            assertEquals("dog", c.best().getClassName());
        }
    }

    @Test
    void badMetadataIsRefusedWithMessagesNamingTheKey() throws Exception {
        Map<String, String> cases =
                Map.of(
                        "{}", "input_size",
                        "{\"input_size\": [2, 4, 4]}", "channels (1 or 3)",
                        "{\"input_size\": [3, 4, 4], \"mean\": [0.1, 0.2]}",
                                "'mean' has 2 values for 3 channel(s)",
                        "{\"input_size\": [1, 4, 4], \"std\": [0]}", "'std' must be positive",
                        "{\"input_size\": [1, 4.5, 4]}", "positive integers",
                        "[1, 2]", "expected a JSON object");
        int i = 0;
        for (Map.Entry<String, String> e : cases.entrySet()) {
            try (Model model =
                    TestModels.model(tmp.resolve("bad" + i++), e.getKey(), TestModels.flatten())) {
                Exception ex =
                        assertThrows(
                                Exception.class,
                                () ->
                                        new ImageClassifierFactory()
                                                .newInstance(
                                                        Image.class,
                                                        Classifications.class,
                                                        model,
                                                        Map.of()));
                assertTrue(
                        ex.getMessage().contains(e.getValue()),
                        e.getKey() + " -> " + ex.getMessage());
                assertTrue(
                        ex.getMessage().contains("metadata.json"),
                        "names the file: " + ex.getMessage());
            }
        }
    }

    @Test
    void classCountDifferentFromLabelNamesIsAnError() throws Exception {
        String meta = "{\"input_size\": [1, 1, 3], \"label_names\": [\"a\", \"b\"]}";
        try (Model model = TestModels.model(tmp.resolve("m"), meta, TestModels.flatten())) {
            TranslateException e =
                    assertThrows(
                            TranslateException.class,
                            () -> classify(model, grey(new int[][] {{1, 2, 3}})));
            assertTrue(
                    e.getMessage().contains("3 scores but its metadata names 2 classes"),
                    e.getMessage());
        }
    }

    @Test
    void factoryOffersImagesFilesAndRawTensors() throws Exception {
        ImageClassifierFactory f = new ImageClassifierFactory();
        assertTrue(f.isSupported(Image.class, Classifications.class));
        assertTrue(f.isSupported(NDList.class, NDList.class));
        assertTrue(f.isSupported(Path.class, Classifications.class));
        assertTrue(f.isSupported(InputStream.class, Classifications.class));
        assertFalse(f.isSupported(float[].class, float[].class));
        int[][] px = randomPixels(5, 4, 5);
        try (Model model = TestModels.model(tmp.resolve("m"), GREY_META, TestModels.flatten())) {
            // a PNG file goes through DJL's file expansion to the same result
            BufferedImage img = (BufferedImage) grey(px).getWrappedImage();
            Path png = tmp.resolve("x.png");
            javax.imageio.ImageIO.write(img, "png", png.toFile());
            try (Predictor<Path, Classifications> p =
                    model.newPredictor(
                            f.newInstance(Path.class, Classifications.class, model, Map.of()))) {
                assertProbabilities(expected(px, MEAN, STD), p.predict(png));
            }
            // raw tensors pass through untouched, batch and all
            try (Predictor<NDList, NDList> p =
                    model.newPredictor(
                            f.newInstance(NDList.class, NDList.class, model, Map.of()))) {
                NDArray x = model.getNDManager().arange(40f).reshape(2, 1, 4, 5);
                NDList out = p.predict(new NDList(x));
                assertEquals(x.reshape(2, 20), out.get(0));
            }
        }
    }
}
