package ai.mlpzoo.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The embedded Fashion-MNIST test slice (the first 1,000 test images, IDX files in the jar under
 * {@code ai/mlpzoo/data/}), for the zoo demo and tests without the data set package.
 *
 * <p>Stand-in for {@code FashionMnist.embeddedTestSlice()} / {@code testSetOrSlice()}, which read
 * the same resources; once those are on this branch, this class can go.
 */
public final class EmbeddedFashionMnist {

    private static final String BASE = "ai/mlpzoo/data/t10k-1000-";

    private EmbeddedFashionMnist() {}

    /**
     * @return the 1,000 embedded test images
     * @throws IOException when the resources are missing or corrupt
     */
    public static FashionMnist testSlice() throws IOException {
        int[] labels;
        try (DataInputStream in = open(BASE + "labels-idx1-ubyte.gz")) {
            header(in, 2049, "labels");
            labels = new int[in.readInt()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readUnsignedByte();
            }
        }
        float[] px = new float[labels.length * FashionMnist.SIZE * FashionMnist.SIZE];
        try (DataInputStream in = open(BASE + "images-idx3-ubyte.gz")) {
            header(in, 2051, "images");
            int n = in.readInt();
            if (n != labels.length || in.readInt() != FashionMnist.SIZE || in.readInt() != FashionMnist.SIZE) {
                throw new IOException("embedded Fashion-MNIST images do not match their " + labels.length + " labels");
            }
            for (int i = 0; i < px.length; i++) {
                px[i] = in.readUnsignedByte() / 255f;
            }
        } catch (EOFException e) {
            throw new IOException("embedded Fashion-MNIST images are truncated", e);
        }
        return FashionMnist.of(px, labels);
    }

    /**
     * @return the full test set when the data set package is installed, else the embedded slice
     * @throws IOException when a file is corrupt
     */
    public static FashionMnist testSetOrSlice() throws IOException {
        return FashionMnist.isInstalled()
                ? FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 0)
                : testSlice();
    }

    private static void header(DataInputStream in, int magic, String what) throws IOException {
        if (in.readInt() != magic) {
            throw new IOException("embedded Fashion-MNIST " + what + " are not an IDX file");
        }
    }

    private static DataInputStream open(String path) throws IOException {
        InputStream is = EmbeddedFashionMnist.class.getClassLoader().getResourceAsStream(path);
        if (is == null) {
            throw new IOException("missing resource " + path);
        }
        return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(is), 1 << 16));
    }
}
