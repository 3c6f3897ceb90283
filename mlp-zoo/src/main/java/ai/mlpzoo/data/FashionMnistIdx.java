package ai.mlpzoo.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A minimal reader of the (gzipped) IDX files of MNIST and Fashion-MNIST: big-endian magic
 * 0x00000803 (images, n x rows x cols bytes) or 0x00000801 (labels, n bytes).
 */
public final class FashionMnistIdx {

    /** Pixels, n x 784, row-major 0..255. */
    public final byte[] images;
    /** Labels 0..9. */
    public final byte[] labels;
    /** The number of examples. */
    public final int size;

    private FashionMnistIdx(byte[] images, byte[] labels, int size) {
        this.images = images;
        this.labels = labels;
        this.size = size;
    }

    /**
     * Reads one split.
     *
     * @param dir the folder with the .gz files
     * @param train the training split (else t10k)
     * @return the split
     * @throws IOException when a file is missing or malformed
     */
    public static FashionMnistIdx read(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        byte[] images = body(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 0x803);
        byte[] labels = body(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 0x801);
        if (images.length != labels.length * 784) {
            throw new IOException(dir + ": " + labels.length + " labels but " + images.length / 784 + " images");
        }
        return new FashionMnistIdx(images, labels, labels.length);
    }

    private static byte[] body(Path file, int magic) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            int m = in.readInt();
            if (m != magic) {
                throw new IOException(file + ": not an IDX file of the expected kind (magic " + Integer.toHexString(m) + ")");
            }
            int n = in.readInt();
            long count = n;
            for (int d = 1; d < (magic & 0xff); d++) {
                count *= in.readInt();
            }
            if (n < 0 || count > Integer.MAX_VALUE) {
                throw new IOException(file + ": implausible IDX dimensions");
            }
            byte[] data = new byte[(int) count];
            in.readFully(data);
            return data;
        }
    }

    /**
     * A batch as floats normalised to [-1, 1] ((p / 255 - 0.5) / 0.5, efficient-kan's transform).
     *
     * @param order example indices
     * @param from the first position in order
     * @param count the batch size
     * @return count x 784 floats
     */
    public float[] pixels(int[] order, int from, int count) {
        float[] x = new float[count * 784];
        for (int b = 0; b < count; b++) {
            int base = order[from + b] * 784;
            for (int p = 0; p < 784; p++) {
                x[b * 784 + p] = (images[base + p] & 0xff) / 127.5f - 1f;
            }
        }
        return x;
    }

    /**
     * The labels of a batch.
     *
     * @param order example indices
     * @param from the first position
     * @param count the batch size
     * @return count labels
     */
    public float[] labels(int[] order, int from, int count) {
        float[] y = new float[count];
        for (int b = 0; b < count; b++) {
            y[b] = labels[order[from + b]];
        }
        return y;
    }
}
