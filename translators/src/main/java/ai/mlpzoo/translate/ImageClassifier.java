package ai.mlpzoo.translate;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * DJL {@link Image} to {@link Classifications} with the model's own preprocessing, from its {@link
 * ModelInfo}: the image is read with as many channels as the model takes (a one-channel model gets
 * the luminance 0.299 R + 0.587 G + 0.114 B; a three-channel model given a grey image gets it
 * repeated), <b>resized to the model's input size when it differs</b> (area averaging when
 * shrinking, bilinear when enlarging; the aspect ratio is not kept, so crop first if it matters),
 * scaled to [0, 1], normalised with the model's mean and std, and classified with a softmax over
 * the output named {@code output}. A model whose metadata says {@code "flatten": true} (a KAN
 * classifier) gets the normalised image as one vector of C * H * W values.
 */
public class ImageClassifier implements Translator<Image, Classifications> {

    private final int channels;
    private final int height;
    private final int width;
    private final float[] mean;
    private final float[] std;
    private final List<String> labels;
    private final int topK;
    private final boolean flatten;

    /**
     * Creates the translator.
     *
     * @param info the model's metadata; {@code input_size} [C, H, W] with C 1 or 3 is required
     * @param topK how many classes {@link Classifications#topK()} reports
     * @throws IllegalArgumentException when the metadata cannot describe an image model
     */
    public ImageClassifier(ModelInfo info, int topK) {
        int[] size = info.inputSize();
        if (size == null || size.length != 3 || (size[0] != 1 && size[0] != 3)) {
            throw new IllegalArgumentException(
                    info.source()
                            + ": the image translator needs 'input_size' [channels (1 or 3), height, width], got "
                            + (size == null ? "none" : Arrays.toString(size)));
        }
        channels = size[0];
        height = size[1];
        width = size[2];
        mean = perChannel(info.mean(), 0f, "mean", info.source());
        std = perChannel(info.std(), 1f, "std", info.source());
        labels = info.labelNames();
        this.topK = topK;
        flatten = info.flatten();
    }

    private float[] perChannel(float[] v, float def, String key, String source) {
        if (v == null) {
            float[] out = new float[channels];
            Arrays.fill(out, def);
            return out;
        }
        if (v.length == 1 && channels > 1) {
            float[] out = new float[channels];
            Arrays.fill(out, v[0]);
            return out;
        }
        if (v.length != channels) {
            throw new IllegalArgumentException(
                    source
                            + ": '"
                            + key
                            + "' has "
                            + v.length
                            + " values for "
                            + channels
                            + " channel(s)");
        }
        return v;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) {
        NDManager m = ctx.getNDManager();
        if (ONNX_RUNTIME.equals(m.getEngine().getEngineName())) {
            return new NDList(preprocessInJava(m, input));
        }
        Image.Flag flag = channels == 1 ? Image.Flag.GRAYSCALE : Image.Flag.COLOR;
        // HWC; float before resizing so that interpolation does not round to bytes
        NDArray hwc = input.toNDArray(m, flag).toType(DataType.FLOAT32, false);
        if (input.getWidth() != width || input.getHeight() != height) {
            boolean shrink = input.getWidth() >= width && input.getHeight() >= height;
            hwc =
                    NDImageUtils.resize(
                            hwc,
                            width,
                            height,
                            shrink ? Image.Interpolation.AREA : Image.Interpolation.BILINEAR);
        }
        NDArray chw = hwc.div(255f).transpose(2, 0, 1);
        NDArray meanArr = m.create(mean).reshape(channels, 1, 1);
        NDArray stdArr = m.create(std).reshape(channels, 1, 1);
        NDArray x = chw.sub(meanArr).div(stdArr);
        return new NDList(flatten ? x.flatten() : x);
    }

    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list)
            throws TranslateException {
        NDArray logits = Outputs.named(list, "output");
        float[] scores = Outputs.finite(logits.toFloatArray(), "output");
        if (ONNX_RUNTIME.equals(ctx.getNDManager().getEngine().getEngineName())) {
            return softmaxInJava(scores);
        }
        NDArray probs = logits.softmax(-1);
        int n = (int) probs.size();
        List<String> names = labels;
        if (names == null) {
            names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                names.add(Integer.toString(i));
            }
            names = Collections.unmodifiableList(names);
        } else if (names.size() != n) {
            throw new TranslateException(
                    "the model gives "
                            + n
                            + " scores but its metadata names "
                            + names.size()
                            + " classes");
        }
        return new Classifications(names, probs, topK);
    }

    @Override
    public Batchifier getBatchifier() {
        return EngineNeutralStack.INSTANCE;
    }

    /** ONNX Runtime arrays have no maths of their own without a second engine: Java does it. */
    private static final String ONNX_RUNTIME = "OnnxRuntime";

    /**
     * The ONNX Runtime path of {@link #processInput}: the same scaling and normalisation in Java,
     * so that ONNX-only inference needs no PyTorch. A differently sized image is resized by the
     * image implementation (AWT bilinear) rather than by NDImageUtils.
     */
    private NDArray preprocessInJava(NDManager m, Image input) {
        Image.Flag flag = channels == 1 ? Image.Flag.GRAYSCALE : Image.Flag.COLOR;
        Image img =
                input.getWidth() != width || input.getHeight() != height
                        ? input.resize(width, height, true)
                        : input;
        byte[] hwc;
        try (NDArray pixels = img.toNDArray(m, flag)) {
            hwc = pixels.toByteArray();
        }
        int plane = height * width;
        float[] chw = new float[channels * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) {
                chw[c * plane + i] = ((hwc[i * channels + c] & 0xff) / 255f - mean[c]) / std[c];
            }
        }
        return m.create(
                chw,
                flatten
                        ? new ai.djl.ndarray.types.Shape(chw.length)
                        : new ai.djl.ndarray.types.Shape(channels, height, width));
    }

    private Classifications softmaxInJava(float[] logits) throws TranslateException {
        int n = logits.length;
        List<String> names = labels;
        if (names == null) {
            names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                names.add(Integer.toString(i));
            }
        } else if (names.size() != n) {
            throw new TranslateException(
                    "the model gives "
                            + n
                            + " scores but its metadata names "
                            + names.size()
                            + " classes");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        List<Double> probs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            probs.add(e[i] / sum);
        }
        Classifications c = new Classifications(names, probs);
        c.setTopK(topK);
        return c;
    }

    /**
     * @return the input size this translator resizes to: channels, height, width
     */
    public int[] inputSize() {
        return new int[] {channels, height, width};
    }
}
