package ai.mlpzoo.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams captured activations to disk as an {@link ActivationStore}: fixed-size shards of {@code
 * rowsPerShard} rows ({@code shard-00000.safetensors}, ...: float32 {@code x} (rows, d_in) and, for
 * a transcoder, {@code y} (rows, d_out)) and a {@code manifest.json} listing them with their row
 * counts, sizes and SHA-256. Only one shard is held in memory, so a capture of any length runs in
 * constant memory, as SAELens' {@code ActivationsStore} caches activations to disk for the same
 * reason. The manifest is rewritten (atomically) after every shard, so a capture stopped midway
 * leaves a readable store of the shards completed; {@link #close()} writes the last, partial shard
 * and marks the store complete.
 */
public final class ActivationStoreWriter implements AutoCloseable {

    private final Path dir;
    private final String hook;
    private final int dIn;
    private final int dOut;
    private final int rowsPerShard;
    private final Map<String, String> metadata;
    private final float[] xs;
    private final float[] ys;
    private final List<ActivationStore.Shard> shards = new ArrayList<>();
    private int pending;
    private long rows;
    private boolean closed;

    /**
     * Creates the writer; the folder is created and must not already hold a store.
     *
     * @param dir the output folder
     * @param hook the hook point the rows come from, such as {@code blocks.3.hook_resid_post}
     * @param dIn the width of x
     * @param dOut the width of y, or 0 for x only
     * @param rowsPerShard rows per shard file (the last may hold fewer)
     * @param metadata free-form notes kept in the manifest (model, corpus...)
     * @throws IOException when the folder cannot be created or already holds a store
     */
    public ActivationStoreWriter(
            Path dir,
            String hook,
            int dIn,
            int dOut,
            int rowsPerShard,
            Map<String, String> metadata)
            throws IOException {
        this.dir = dir;
        this.hook = hook;
        this.dIn = Checks.positive(dIn, "d_in");
        if (dOut < 0) {
            throw new IllegalArgumentException("d_out must be >= 0, got " + dOut);
        }
        this.dOut = dOut;
        this.rowsPerShard = Checks.positive(rowsPerShard, "rows per shard");
        this.metadata = metadata == null ? Map.of() : new LinkedHashMap<>(metadata);
        this.xs = new float[ActivationStore.floats(rowsPerShard, dIn, "rows per shard", "d_in")];
        this.ys =
                dOut == 0
                        ? null
                        : new float
                                [ActivationStore.floats(
                                        rowsPerShard, dOut, "rows per shard", "d_out")];
        if (Files.exists(dir.resolve(ActivationStore.MANIFEST))) {
            throw new IOException(
                    dir
                            + " already holds an activation store ("
                            + ActivationStore.MANIFEST
                            + "); choose another output folder or delete it");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " is a file; name a folder for the activation shards");
        }
        Files.createDirectories(dir);
    }

    /**
     * @return the rows written or pending so far
     */
    public long rows() {
        return rows;
    }

    /**
     * @return the width of x
     */
    public int dIn() {
        return dIn;
    }

    /**
     * Appends activations, flattening every leading axis into rows.
     *
     * @param x (..., d_in)
     * @param y (..., d_out) with the same leading axes, or null when the store holds x only
     * @throws IOException when a shard cannot be written
     */
    public void add(NDArray x, NDArray y) throws IOException {
        if ((y == null) != (ys == null)) {
            throw new IllegalArgumentException(
                    ys == null ? "this store holds x only" : "this store needs y too");
        }
        float[] a = rows(x, dIn, "x");
        float[] b = y == null ? null : rows(y, dOut, "y");
        add(a, b, a.length / dIn);
    }

    private static float[] rows(NDArray a, int width, String what) {
        Shape s = a.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != width) {
            throw new IllegalArgumentException(
                    what + " must have width " + width + " on its last axis, got " + s);
        }
        Checks.requireFinite(a, "captured activations " + what);
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /**
     * Appends rows given as row-major floats.
     *
     * @param x n x d_in floats
     * @param y n x d_out floats, or null when the store holds x only
     * @param n the number of rows
     * @throws IOException when a shard cannot be written
     */
    public void add(float[] x, float[] y, int n) throws IOException {
        if (closed) {
            throw new IllegalStateException("the activation store writer is closed");
        }
        if ((y == null) != (ys == null)) {
            throw new IllegalArgumentException(
                    ys == null ? "this store holds x only" : "this store needs y too");
        }
        if ((long) n * dIn != x.length || (y != null && (long) n * dOut != y.length)) {
            throw new IllegalArgumentException(
                    n + " rows do not match " + x.length + " floats of x at width " + dIn);
        }
        finite(x, dIn, "x");
        if (y != null) {
            finite(y, dOut, "y");
        }
        int r = 0;
        while (r < n) {
            int take = Math.min(n - r, rowsPerShard - pending);
            System.arraycopy(x, r * dIn, xs, pending * dIn, take * dIn);
            if (y != null) {
                System.arraycopy(y, r * dOut, ys, pending * dOut, take * dOut);
            }
            pending += take;
            r += take;
            rows += take;
            if (pending == rowsPerShard) {
                flush();
            }
        }
    }

    /** A NaN or infinity would train an SAE into NaN much later: refused here, with its row. */
    private void finite(float[] a, int width, String what) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new IllegalArgumentException(
                        "captured activations "
                                + what
                                + " hold "
                                + a[i]
                                + " at row "
                                + (rows + i / width)
                                + " of the store; the model produced non-finite values");
            }
        }
    }

    /** Writes the pending rows as the next shard and rewrites the manifest. */
    private void flush() throws IOException {
        if (pending == 0) {
            return;
        }
        String name = String.format("shard-%05d.safetensors", shards.size());
        Path file = dir.resolve(name);
        MessageDigest sha = sha256();
        long[] size = new long[1];
        AtomicFiles.write(
                file,
                os -> {
                    CountingDigest out = new CountingDigest(os, sha);
                    writeShard(out, pending);
                    out.flush();
                    size[0] = out.count;
                });
        shards.add(
                new ActivationStore.Shard(
                        name, pending, size[0], HexFormat.of().formatHex(sha.digest())));
        pending = 0;
        writeManifest(false);
    }

    /** One safetensors file: an 8-byte header length, the JSON header, then x and y row-major. */
    private void writeShard(OutputStream os, int n) throws IOException {
        long xBytes = (long) n * dIn * 4;
        StringBuilder json = new StringBuilder("{");
        json.append(tensor("x", n, dIn, 0, xBytes));
        if (ys != null) {
            json.append(',').append(tensor("y", n, dOut, xBytes, xBytes + (long) n * dOut * 4));
        }
        json.append(",\"__metadata__\":{\"hook\":\"")
                .append(ActivationStore.jsonEscape(hook))
                .append("\"}}");
        // the data starts 8-byte aligned, as the reference writer pads its header with spaces
        while ((json.length() + 8) % 8 != 0) {
            json.append(' ');
        }
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        len.putLong(header.length);
        os.write(len.array());
        os.write(header);
        writeFloats(os, xs, n * dIn);
        if (ys != null) {
            writeFloats(os, ys, n * dOut);
        }
    }

    private static String tensor(String name, long n, int width, long begin, long end) {
        return "\""
                + name
                + "\":{\"dtype\":\"F32\",\"shape\":["
                + n
                + ","
                + width
                + "],\"data_offsets\":["
                + begin
                + ","
                + end
                + "]}";
    }

    private static void writeFloats(OutputStream os, float[] a, int count) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        while (i < count) {
            chunk.clear();
            int m = Math.min(count - i, chunk.capacity() / 4);
            chunk.asFloatBuffer().put(a, i, m);
            os.write(chunk.array(), 0, m * 4);
            i += m;
        }
    }

    private void writeManifest(boolean complete) throws IOException {
        AtomicFiles.writeString(
                dir.resolve(ActivationStore.MANIFEST),
                ActivationStore.manifestJson(
                        hook, dIn, dOut, rows - pending, rowsPerShard, complete, metadata, shards));
    }

    /**
     * Writes the last, partial shard and marks the manifest complete.
     *
     * @throws IOException when writing fails
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        flush();
        writeManifest(true);
        closed = true;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Digests and counts what passes through. */
    private static final class CountingDigest extends DigestOutputStream {
        long count;

        CountingDigest(OutputStream os, MessageDigest md) {
            super(os, md);
        }

        @Override
        public void write(int b) throws IOException {
            super.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            super.write(b, off, len);
            count += len;
        }
    }
}
