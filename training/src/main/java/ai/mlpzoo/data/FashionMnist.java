package ai.mlpzoo.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (Xiao et al. 2017) from its IDX files, gzip'd or not, as Debian's {@code
 * dataset-fashion-mnist} installs them in {@code /usr/share/datasets/fashion-mnist}. Images are 28
 * x 28 grey levels in [0, 1]; labels 0..9 in the order of {@link #CLASSES}.
 */
public final class FashionMnist {

    /** Debian's location. */
    public static final Path DEFAULT_DIR = Paths.get("/usr/share/datasets/fashion-mnist");

    /** Class names, by label. */
    public static final String[] CLASSES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    };

    /** Pixel mean of the training set (in [0, 1] units). */
    public static final float MEAN = 0.2860f;

    /** Pixel standard deviation of the training set. */
    public static final float STD = 0.3530f;

    /** Image edge in pixels. */
    public static final int SIZE = 28;

    private final float[] images;
    private final int[] labels;

    private FashionMnist(float[] images, int[] labels) {
        this.images = images;
        this.labels = labels;
    }

    /** Which half of the data set. */
    public enum Split {
        /** 60,000 training images. */
        TRAIN("train"),
        /** 10,000 test images. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    /**
     * The data set directory: the system property {@code mlpzoo.fashionMnist}, the environment
     * variable {@code MLPZOO_FASHION_MNIST}, or Debian's location.
     *
     * @return the directory to read
     */
    public static Path defaultDir() {
        String prop = System.getProperty("mlpzoo.fashionMnist");
        if (prop == null) {
            prop = System.getenv("MLPZOO_FASHION_MNIST");
        }
        return prop == null ? DEFAULT_DIR : Paths.get(prop);
    }

    /**
     * Says which data is missing and how to get it: tests that need the full data set are skipped
     * with this message when it is absent.
     *
     * @return the message
     */
    public static String notInstalledMessage() {
        return "Fashion-MNIST not found in "
                + defaultDir()
                + ": install Debian's dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist)"
                + " or point -Dmlpzoo.fashionMnist=<dir> at a folder with its IDX files";
    }

    /**
     * @return whether the IDX files are present in {@link #defaultDir()}
     */
    public static boolean isInstalled() {
        return find(defaultDir(), Split.TEST.prefix + "-images-idx3-ubyte") != null;
    }

    /**
     * Reads a split.
     *
     * @param dir the folder with the IDX files
     * @param split which split
     * @param limit read at most this many images (0 for all)
     * @return the data
     * @throws IOException when a file is missing (the message says how to install it) or corrupt
     */
    public static FashionMnist load(Path dir, Split split, int limit) throws IOException {
        Path imageFile = find(dir, split.prefix + "-images-idx3-ubyte");
        Path labelFile = find(dir, split.prefix + "-labels-idx1-ubyte");
        if (imageFile == null || labelFile == null) {
            throw new IOException(
                    "Fashion-MNIST IDX files ("
                            + split.prefix
                            + "-images-idx3-ubyte[.gz], "
                            + split.prefix
                            + "-labels-idx1-ubyte[.gz]) not found in "
                            + dir
                            + "; install them with: sudo apt-get install dataset-fashion-mnist"
                            + " (or point -Dmlpzoo.fashionMnist=<dir> at a copy)");
        }
        try (DataInputStream l = open(labelFile);
                DataInputStream i = open(imageFile)) {
            int[] labels = readLabels(l, limit, labelFile.toString());
            float[] images = readImages(i, labels.length, imageFile.toString());
            return new FashionMnist(images, labels);
        }
    }

    /**
     * The first 1,000 test images, shipped in the jar: evaluation without the data set package.
     *
     * @return the slice
     * @throws IOException when the resource is unreadable
     */
    public static FashionMnist embeddedTestSlice() throws IOException {
        String base = "ai/mlpzoo/data/t10k-1000-";
        try (DataInputStream l = resource(base + "labels-idx1-ubyte.gz");
                DataInputStream i = resource(base + "images-idx3-ubyte.gz")) {
            int[] labels = readLabels(l, 0, "embedded labels");
            return new FashionMnist(readImages(i, labels.length, "embedded images"), labels);
        }
    }

    /**
     * The test set to evaluate on: the full one when the package is installed, else the embedded
     * slice.
     *
     * @return the test data
     * @throws IOException when a file is corrupt
     */
    public static FashionMnist testSetOrSlice() throws IOException {
        return isInstalled() ? load(defaultDir(), Split.TEST, 0) : embeddedTestSlice();
    }

    private static DataInputStream resource(String path) throws IOException {
        InputStream is = FashionMnist.class.getClassLoader().getResourceAsStream(path);
        if (is == null) {
            throw new IOException("missing resource " + path);
        }
        return new DataInputStream(
                new java.io.BufferedInputStream(new GZIPInputStream(is), 1 << 16));
    }

    /**
     * Wraps arrays already in memory (the embedded test slice, tests).
     *
     * @param images n * 784 pixels in [0, 1]
     * @param labels n labels
     * @return the data
     */
    public static FashionMnist of(float[] images, int[] labels) {
        if (images.length != labels.length * SIZE * SIZE) {
            throw new IllegalArgumentException(
                    images.length + " pixels do not make " + labels.length + " images of 28 x 28");
        }
        return new FashionMnist(images, labels);
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream is = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            is = new GZIPInputStream(is, 1 << 16);
        }
        return new DataInputStream(new java.io.BufferedInputStream(is, 1 << 16));
    }

    private static int[] readLabels(DataInputStream in, int limit, String file) throws IOException {
        try {
            expect(in.readInt(), 2049, file);
            int n = in.readInt();
            if (n < 0) {
                throw new IOException(file + ": corrupt IDX header (count " + n + ")");
            }
            n = limit > 0 ? Math.min(n, limit) : n;
            byte[] raw = new byte[n];
            in.readFully(raw);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i];
                if (labels[i] < 0 || labels[i] > 9) {
                    throw new IOException(
                            file + ": label " + labels[i] + " at " + i + " is not 0..9");
                }
            }
            return labels;
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX file", e);
        }
    }

    private static float[] readImages(DataInputStream in, int n, String file) throws IOException {
        try {
            expect(in.readInt(), 2051, file);
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != SIZE || cols != SIZE || count < n) {
                throw new IOException(
                        file
                                + ": expected at least "
                                + n
                                + " images of 28 x 28, header says "
                                + count
                                + " of "
                                + rows
                                + " x "
                                + cols);
            }
            byte[] raw = new byte[n * SIZE * SIZE];
            in.readFully(raw);
            float[] px = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                px[i] = (raw[i] & 0xff) / 255f;
            }
            return px;
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX file", e);
        }
    }

    private static void expect(int magic, int expected, String file) throws IOException {
        if (magic != expected) {
            throw new IOException(
                    file + ": not an IDX file of the expected kind (magic " + magic + ")");
        }
    }

    /**
     * @return the number of images
     */
    public int size() {
        return labels.length;
    }

    /**
     * @return all pixels, image after image, in [0, 1]
     */
    public float[] images() {
        return images;
    }

    /**
     * @return all labels
     */
    public int[] labels() {
        return labels;
    }

    /**
     * Copies one image's pixels.
     *
     * @param index the image
     * @param dst where to write 784 pixels
     * @param offset the position in dst
     */
    public void copyImage(int index, float[] dst, int offset) {
        System.arraycopy(images, index * SIZE * SIZE, dst, offset, SIZE * SIZE);
    }

    /**
     * A batch of normalised images ((x - MEAN) / STD), the input of the zoo's classifiers.
     *
     * @param manager the owner
     * @param indices which images
     * @return (B, 1, 28, 28)
     */
    public ai.djl.ndarray.NDArray batch(ai.djl.ndarray.NDManager manager, int[] indices) {
        int per = SIZE * SIZE;
        float[] out = new float[indices.length * per];
        for (int b = 0; b < indices.length; b++) {
            int off = indices[b] * per;
            for (int i = 0; i < per; i++) {
                out[b * per + i] = (images[off + i] - MEAN) / STD;
            }
        }
        return manager.create(out, new ai.djl.ndarray.types.Shape(indices.length, 1, SIZE, SIZE));
    }

    /**
     * The labels of a batch.
     *
     * @param manager the owner
     * @param indices which images
     * @return (B) int64
     */
    public ai.djl.ndarray.NDArray batchLabels(ai.djl.ndarray.NDManager manager, int[] indices) {
        long[] out = new long[indices.length];
        for (int b = 0; b < indices.length; b++) {
            out[b] = labels[indices[b]];
        }
        return manager.create(out);
    }
}
