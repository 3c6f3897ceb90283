package ai.mlpzoo.capture;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.sae.training.BatchSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Shuffled training batches from an {@link ActivationStore} through a bounded in-memory buffer, as
 * dictionary_learning's {@code ActivationBuffer} and SAELens' {@code ActivationsStore} mix their
 * activations: the buffer holds at most {@code bufferRows} rows; whenever it is half empty it is
 * refilled from the shards, read in a fresh random order each epoch, a chunk of rows at a time
 * (never a whole shard); a batch takes rows at random from the buffer, without replacement. So rows
 * of many shards are mixed within a batch, every row is served exactly once per epoch (the buffer
 * is drained before the next epoch starts), and the memory held is the buffer plus one chunk,
 * whatever the store's size.
 */
public final class StoreBatches implements BatchSource, AutoCloseable {

    /** Rows read from a shard per file read: bounds the transient memory besides the buffer. */
    static final int CHUNK_ROWS = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ActivationStore store;
    private final int capacity;
    private final int batchSize;
    private final int dIn;
    private final int dOut;
    private final float[] xs;
    private final float[] ys;
    private final Random random;
    private final ByteBuffer chunk;
    private final Set<String> verified = new HashSet<>();
    private final List<Integer> order = new ArrayList<>();
    private int size;
    private int epoch;
    private int nextShard;
    private OpenShard current;
    private boolean verify = true;
    private long row;

    /** A shard being read: its channel, where x and y start, and the next row. */
    private record OpenShard(Path path, FileChannel channel, long rows, long xStart, long yStart) {}

    StoreBatches(ActivationStore store, int bufferRows, int batchSize, long seed) {
        this.store = store;
        this.capacity = Checks.positive(bufferRows, "buffer rows");
        this.batchSize = Checks.positive(batchSize, "batch size");
        this.dIn = store.dIn();
        this.dOut = store.dOut();
        this.xs = new float[ActivationStore.floats(bufferRows, dIn, "buffer rows", "d_in")];
        this.ys =
                dOut == 0
                        ? null
                        : new float
                                [ActivationStore.floats(bufferRows, dOut, "buffer rows", "d_out")];
        this.random = new Random(seed);
        this.chunk =
                ByteBuffer.allocateDirect(CHUNK_ROWS * Math.max(dIn, dOut) * 4)
                        .order(ByteOrder.LITTLE_ENDIAN);
        this.epoch = -1;
        this.nextShard = Integer.MAX_VALUE;
    }

    /**
     * Turns the SHA-256 check of each shard on its first read on or off (on by default).
     *
     * @param verify whether to check
     * @return this
     */
    public StoreBatches verifyChecksums(boolean verify) {
        this.verify = verify;
        return this;
    }

    /**
     * @return the buffer's capacity in rows
     */
    public int capacity() {
        return capacity;
    }

    /**
     * @return the rows held in the buffer now
     */
    public int size() {
        return size;
    }

    /**
     * @return the epochs begun (1 during the first pass over the store)
     */
    public int epoch() {
        return epoch + 1;
    }

    /**
     * @return the bytes of Java and direct memory this reader holds: the buffer and the chunk
     */
    public long bytesHeld() {
        return 4L * xs.length + (ys == null ? 0 : 4L * ys.length) + chunk.capacity();
    }

    @Override
    public NDList next(NDManager manager) {
        float[] bx = new float[batchSize * dIn];
        float[] by = ys == null ? null : new float[batchSize * dOut];
        try {
            for (int r = 0; r < batchSize; r++) {
                if (size <= capacity / 2 && !epochExhausted()) {
                    refill();
                }
                if (size == 0) {
                    startEpoch();
                    refill();
                }
                int slot = random.nextInt(size);
                System.arraycopy(xs, slot * dIn, bx, r * dIn, dIn);
                // the last row fills the hole: sampling without replacement in O(1)
                System.arraycopy(xs, (size - 1) * dIn, xs, slot * dIn, dIn);
                if (by != null) {
                    System.arraycopy(ys, slot * dOut, by, r * dOut, dOut);
                    System.arraycopy(ys, (size - 1) * dOut, ys, slot * dOut, dOut);
                }
                size--;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NDList out = new NDList(manager.create(bx, new Shape(batchSize, dIn)));
        if (by != null) {
            out.add(manager.create(by, new Shape(batchSize, dOut)));
        }
        return out;
    }

    private boolean epochExhausted() {
        return current == null && nextShard >= order.size();
    }

    private void startEpoch() {
        epoch++;
        order.clear();
        for (int i = 0; i < store.shards().size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        nextShard = 0;
    }

    /** Reads rows from the shards until the buffer is full or this epoch's shards are done. */
    private void refill() throws IOException {
        while (size < capacity) {
            if (current == null) {
                if (nextShard >= order.size()) {
                    return;
                }
                current = openShard(store.shards().get(order.get(nextShard++)));
                row = 0;
            }
            int n = (int) Math.min(Math.min(capacity - size, CHUNK_ROWS), current.rows - row);
            read(current, current.xStart + row * dIn * 4L, n * dIn, xs, size * dIn);
            if (ys != null) {
                read(current, current.yStart + row * dOut * 4L, n * dOut, ys, size * dOut);
            }
            size += n;
            row += n;
            if (row == current.rows) {
                current.channel.close();
                current = null;
            }
        }
    }

    private void read(OpenShard s, long pos, int floats, float[] into, int offset)
            throws IOException {
        chunk.clear();
        chunk.limit(floats * 4);
        while (chunk.hasRemaining()) {
            int got = s.channel.read(chunk, pos + chunk.position());
            if (got < 0) {
                throw new IOException(
                        "activation shard "
                                + s.path
                                + " is truncated: it ended at byte "
                                + (pos + chunk.position())
                                + "; capture it again");
            }
        }
        chunk.flip();
        chunk.asFloatBuffer().get(into, offset, floats);
    }

    private OpenShard openShard(ActivationStore.Shard shard) throws IOException {
        Path p = store.dir().resolve(shard.file());
        if (verify && verified.add(shard.file())) {
            store.verify(shard);
        }
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size != shard.bytes()) {
                throw bad(p, size + " bytes, the manifest says " + shard.bytes());
            }
            ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, head, 0, p);
            long headerLen = head.getLong(0);
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > 1 << 20) {
                throw bad(p, "header length " + headerLen + " does not fit the file");
            }
            ByteBuffer json = ByteBuffer.allocate((int) headerLen);
            readFully(ch, json, 8, p);
            JsonNode h;
            try {
                h = JSON.readTree(json.array());
            } catch (IOException e) {
                throw bad(p, "its header is not valid JSON");
            }
            long dataStart = 8 + headerLen;
            long xStart = dataStart + tensor(h, "x", shard.rows(), dIn, size - dataStart, p);
            long yStart =
                    dOut == 0
                            ? -1
                            : dataStart + tensor(h, "y", shard.rows(), dOut, size - dataStart, p);
            return new OpenShard(p, ch, shard.rows(), xStart, yStart);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Checks one tensor's header entry against the manifest; returns its data offset. */
    private static long tensor(JsonNode h, String name, long rows, int width, long dataLen, Path p)
            throws IOException {
        JsonNode t = h.path(name);
        if (!t.isObject()) {
            throw bad(p, "no tensor '" + name + "'");
        }
        if (!"F32".equals(t.path("dtype").asText())) {
            throw bad(p, "tensor '" + name + "' is " + t.path("dtype") + ", expected F32");
        }
        JsonNode shape = t.path("shape");
        if (shape.size() != 2 || shape.get(0).asLong() != rows || shape.get(1).asInt() != width) {
            throw bad(
                    p,
                    "tensor '"
                            + name
                            + "' has shape "
                            + shape
                            + ", the manifest says ["
                            + rows
                            + ", "
                            + width
                            + "]");
        }
        long begin = t.path("data_offsets").path(0).asLong(-1);
        long end = t.path("data_offsets").path(1).asLong(-1);
        if (begin < 0 || end - begin != rows * width * 4 || end > dataLen) {
            throw bad(p, "tensor '" + name + "' has data_offsets " + t.path("data_offsets"));
        }
        return begin;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path p)
            throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new IOException("activation shard " + p + " is truncated; capture it again");
            }
        }
    }

    private static IOException bad(Path p, String what) {
        return new IOException(
                "activation shard " + p + " is corrupt: " + what + "; capture it again");
    }

    /** Closes the shard being read. */
    @Override
    public void close() {
        if (current != null) {
            try {
                current.channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            current = null;
        }
    }
}
