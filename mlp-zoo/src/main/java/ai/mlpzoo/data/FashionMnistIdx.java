package ai.mlpzoo.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST in its IDX files, gzip'd or not ({@code train-images-idx3-ubyte.gz}, ...): 28x28
 * grey images as bytes, labels 0-9. Images are returned as (N, 1, 28, 28) floats normalised with
 * the training set's mean 0.2860 and standard deviation 0.3530.
 */
public final class FashionMnistIdx {

    private static final float MEAN = 0.2860f;
    private static final float STD = 0.3530f;

    private final byte[] pixels;
    private final byte[] labels;
    private final int rows;
    private final int cols;

    private FashionMnistIdx(byte[] pixels, byte[] labels, int rows, int cols) {
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Reads a split.
     *
     * @param dir the folder with the IDX files
     * @param train the training split (60,000) or the test split (10,000)
     * @return the split
     * @throws IOException when a file is missing or not IDX
     */
    public static FashionMnistIdx read(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        try (DataInputStream img = open(dir, prefix + "-images-idx3-ubyte");
                DataInputStream lab = open(dir, prefix + "-labels-idx1-ubyte")) {
            if (img.readInt() != 0x803 || lab.readInt() != 0x801) {
                throw new IOException(dir + ": not Fashion-MNIST IDX files (bad magic number)");
            }
            int n = img.readInt();
            int r = img.readInt();
            int c = img.readInt();
            if (lab.readInt() != n) {
                throw new IOException(dir + ": image and label counts differ");
            }
            byte[] px = new byte[Math.multiplyExact(n, r * c)];
            img.readFully(px);
            byte[] lb = new byte[n];
            lab.readFully(lb);
            return new FashionMnistIdx(px, lb, r, c);
        }
    }

    private static DataInputStream open(Path dir, String name) throws IOException {
        Path gz = dir.resolve(name + ".gz");
        Path raw = dir.resolve(name);
        InputStream in;
        if (Files.isRegularFile(gz)) {
            in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
        } else if (Files.isRegularFile(raw)) {
            in = Files.newInputStream(raw);
        } else {
            throw new java.nio.file.NoSuchFileException(gz.toString(), null, "Fashion-MNIST file not found");
        }
        return new DataInputStream(new java.io.BufferedInputStream(in));
    }

    /** @return the number of images */
    public int size() {
        return labels.length;
    }

    /**
     * A batch of normalised images.
     *
     * @param manager the owner
     * @param indices which images
     * @return (B, 1, 28, 28)
     */
    public NDArray images(NDManager manager, int[] indices) {
        int per = rows * cols;
        float[] out = new float[indices.length * per];
        for (int b = 0; b < indices.length; b++) {
            int off = indices[b] * per;
            for (int i = 0; i < per; i++) {
                out[b * per + i] = ((pixels[off + i] & 0xff) / 255f - MEAN) / STD;
            }
        }
        return manager.create(out, new Shape(indices.length, 1, rows, cols));
    }

    /**
     * Labels of a batch.
     *
     * @param manager the owner
     * @param indices which images
     * @return (B) int64
     */
    public NDArray labels(NDManager manager, int[] indices) {
        long[] out = new long[indices.length];
        for (int b = 0; b < indices.length; b++) {
            out[b] = labels[indices[b]];
        }
        return manager.create(out);
    }
}
