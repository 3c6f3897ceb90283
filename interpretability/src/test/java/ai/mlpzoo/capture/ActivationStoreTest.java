package ai.mlpzoo.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.io.SafeTensors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sharded activation store: every row comes back exactly once per epoch, shuffled across
 * shards, through a buffer that never holds more than its capacity; a corrupt, truncated or missing
 * shard is named.
 */
class ActivationStoreTest {

    private static final int D_IN = 6;
    private static final int D_OUT = 3;

    /** Row r of x: r * 8 + j (exact in float32 for these sizes), of y: -(r * 4 + j). */
    private static float[] xRows(int from, int n) {
        float[] a = new float[n * D_IN];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < D_IN; j++) {
                a[r * D_IN + j] = (from + r) * 8 + j;
            }
        }
        return a;
    }

    private static float[] yRows(int from, int n) {
        float[] a = new float[n * D_OUT];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < D_OUT; j++) {
                a[r * D_OUT + j] = -((from + r) * 4 + j);
            }
        }
        return a;
    }

    /** Writes rows 0..n-1 in uneven pieces, as captures of sentences of varying length come. */
    private static void write(Path dir, int n, int rowsPerShard, boolean pairs) throws IOException {
        try (ActivationStoreWriter w =
                new ActivationStoreWriter(
                        dir,
                        "blocks.3.hook_resid_post",
                        D_IN,
                        pairs ? D_OUT : 0,
                        rowsPerShard,
                        Map.of("model", "test"))) {
            int r = 0;
            int piece = 1;
            while (r < n) {
                int m = Math.min(piece, n - r);
                w.add(xRows(r, m), pairs ? yRows(r, m) : null, m);
                r += m;
                piece = piece % 37 + 5;
            }
            assertEquals(n, w.rows());
        }
    }

    @Test
    void everyRowExactlyOncePerEpochShuffledAcrossShards(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("acts");
        int n = 1000;
        write(dir, n, 96, true);
        ActivationStore store = ActivationStore.open(dir);
        assertEquals(n, store.rows());
        assertEquals(11, store.shards().size()); // 10 full shards of 96 and one of 40
        assertEquals(40, store.shards().get(10).rows());
        assertEquals("blocks.3.hook_resid_post", store.hook());
        assertEquals(D_IN, store.dIn());
        assertEquals(D_OUT, store.dOut());
        assertTrue(store.complete());
        assertEquals("test", store.metadata().get("model"));
        // every shard is a valid safetensors file for other readers too
        try (NDManager m = NDManager.newBaseManager()) {
            NDList first = SafeTensors.read(m, dir.resolve(store.shards().get(0).file()));
            assertEquals(new Shape(96, D_IN), first.get(0).getShape());
            assertArrayEquals(xRows(0, 96), first.get(0).toFloatArray());
            assertArrayEquals(yRows(0, 96), first.get(1).toFloatArray());
        }

        int batch = 50;
        List<Integer> firstEpoch = new ArrayList<>();
        List<Integer> secondEpoch = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                StoreBatches batches = store.batches(200, batch, 7)) {
            for (int b = 0; b < 2 * n / batch; b++) {
                try (NDManager s = m.newSubManager()) {
                    NDList out = batches.next(s);
                    float[] x = out.get(0).toFloatArray();
                    float[] y = out.get(1).toFloatArray();
                    assertEquals(new Shape(batch, D_IN), out.get(0).getShape());
                    for (int r = 0; r < batch; r++) {
                        int id = (int) x[r * D_IN] / 8;
                        // the whole row, and y paired with the same row
                        assertArrayEquals(xRows(id, 1), slice(x, r, D_IN), "x row " + id);
                        assertArrayEquals(yRows(id, 1), slice(y, r, D_OUT), "y row " + id);
                        (b < n / batch ? firstEpoch : secondEpoch).add(id);
                    }
                    assertTrue(batches.size() <= batches.capacity());
                }
            }
            assertEquals(2, batches.epoch());
        }
        for (List<Integer> epoch : List.of(firstEpoch, secondEpoch)) {
            List<Integer> sorted = new ArrayList<>(epoch);
            sorted.sort(null);
            for (int i = 0; i < n; i++) {
                assertEquals(i, sorted.get(i), "each row exactly once per epoch");
            }
        }
        assertNotEquals(firstEpoch, secondEpoch, "each epoch in a fresh order");
        // the first batch mixes rows of more than one shard, not consecutive rows of one
        long shardsInFirstBatch =
                firstEpoch.subList(0, batch).stream().map(id -> id / 96).distinct().count();
        assertTrue(shardsInFirstBatch >= 2, "shards in the first batch: " + shardsInFirstBatch);
    }

    @Test
    void storesWrittenSideBySideAreReadAsOne(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("acts");
        // three parts, as three Spark partitions write them: rows [0, 70), [70, 75), [75, 230)
        int[][] parts = {{0, 70}, {70, 5}, {75, 155}};
        List<String> names = new ArrayList<>();
        for (int p = 0; p < parts.length; p++) {
            String name = String.format("part-%05d", p);
            names.add(name);
            try (ActivationStoreWriter w =
                    new ActivationStoreWriter(
                            dir.resolve(name), "blocks.3.hook_resid_post", D_IN, 0, 32, Map.of())) {
                w.add(xRows(parts[p][0], parts[p][1]), null, parts[p][1]);
            }
        }
        ActivationStore store = ActivationStore.combine(dir, names, Map.of("job", "test"));
        assertEquals(230, store.rows());
        assertEquals(3 + 1 + 5, store.shards().size()); // 70 = 32+32+6, 5, 155 = 4x32+27
        assertEquals("part-00000/shard-00000.safetensors", store.shards().get(0).file());
        assertEquals("3", store.metadata().get("stores"));
        assertEquals("test", store.metadata().get("job"));
        assertTrue(store.complete());
        store.verify(); // the SHA-256 of every shard, as the sub-stores listed them
        assertEquals(store.rows(), ActivationStore.open(dir).rows()); // as train-sae opens it
        List<Integer> seen = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                StoreBatches batches = store.batches(64, 23, 3)) {
            for (int b = 0; b < 10; b++) {
                try (NDManager s = m.newSubManager()) {
                    float[] x = batches.next(s).get(0).toFloatArray();
                    for (int r = 0; r < 23; r++) {
                        int id = (int) x[r * D_IN] / 8;
                        assertArrayEquals(xRows(id, 1), slice(x, r, D_IN), "x row " + id);
                        seen.add(id);
                    }
                }
            }
        }
        seen.sort(null);
        for (int i = 0; i < 230; i++) {
            assertEquals(i, seen.get(i), "each row of every part exactly once");
        }
        // combined once only; a sub-store of another hook point or width is refused by name
        IOException again =
                assertThrows(IOException.class, () -> ActivationStore.combine(dir, names, null));
        assertTrue(again.getMessage().contains("already holds"), again.getMessage());
        Path other = tmp.resolve("other");
        try (ActivationStoreWriter w =
                new ActivationStoreWriter(other.resolve("a"), "blocks.1.mlp", D_IN, 0, 8, null)) {
            w.add(xRows(0, 3), null, 3);
        }
        try (ActivationStoreWriter w =
                new ActivationStoreWriter(other.resolve("b"), "blocks.2.mlp", D_IN, 0, 8, null)) {
            w.add(xRows(0, 3), null, 3);
        }
        IOException mixed =
                assertThrows(
                        IOException.class,
                        () -> ActivationStore.combine(other, List.of("a", "b"), null));
        assertTrue(mixed.getMessage().contains("blocks.2.mlp"), mixed.getMessage());
    }

    @Test
    void aManifestCannotPointOutsideItsFolder(@TempDir Path tmp) throws IOException {
        assertTrue(ActivationStore.validShardPath("part-00001/shard-00000.safetensors"));
        for (String bad : List.of("../x.safetensors", "a/../../x", "/etc/passwd", "a//b", "")) {
            assertFalse(ActivationStore.validShardPath(bad), bad);
        }
        Path dir = tmp.resolve("acts");
        write(dir, 10, 8, false);
        Path manifest = dir.resolve(ActivationStore.MANIFEST);
        Files.writeString(
                manifest,
                Files.readString(manifest)
                        .replace("shard-00000.safetensors", "../shard-00000.safetensors"));
        IOException e = assertThrows(IOException.class, () -> ActivationStore.open(dir));
        assertTrue(e.getMessage().contains("invalid"), e.getMessage());
    }

    private static float[] slice(float[] a, int row, int width) {
        float[] out = new float[width];
        System.arraycopy(a, row * width, out, 0, width);
        return out;
    }

    @Test
    void theBufferIsBoundedAndRefilledWhenHalfEmpty(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("acts");
        int n = 5000;
        write(dir, n, 500, false);
        ActivationStore store = ActivationStore.open(dir);
        int capacity = 256;
        int batch = 16;
        try (NDManager m = NDManager.newBaseManager();
                StoreBatches batches = store.batches(capacity, batch, 1)) {
            // the memory held is the buffer and one chunk, however many rows the store has
            assertEquals(
                    4L * capacity * D_IN + 4L * StoreBatches.CHUNK_ROWS * D_IN,
                    batches.bytesHeld());
            int served = 0;
            while (served + batch <= n - capacity) {
                try (NDManager s = m.newSubManager()) {
                    assertEquals(batch, batches.next(s).get(0).getShape().get(0));
                }
                served += batch;
                assertTrue(batches.size() <= capacity, "held " + batches.size());
                // refilled whenever half empty: never lower than half, minus one batch
                assertTrue(
                        batches.size() >= capacity / 2 - batch,
                        "held " + batches.size() + " after " + served + " rows");
            }
        }
    }

    @Test
    void aStoreWithOnlyXReadsBackWithOneTensor(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("acts");
        write(dir, 10, 4, false);
        ActivationStore store = ActivationStore.open(dir);
        try (NDManager m = NDManager.newBaseManager();
                StoreBatches batches = store.batches(100, 10, 3)) {
            NDList out = batches.next(m);
            assertEquals(1, out.size());
            float[] x = out.get(0).toFloatArray();
            float sum = 0;
            for (int r = 0; r < 10; r++) {
                sum += x[r * D_IN];
            }
            assertEquals(8 * 45, sum, 0); // rows 0..9, each once
        }
    }

    @Test
    void ndArraysAreFlattenedIntoRows(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("acts");
        try (NDManager m = NDManager.newBaseManager();
                ActivationStoreWriter w = new ActivationStoreWriter(dir, "h", D_IN, 0, 5, null)) {
            NDArray a = m.create(xRows(0, 12), new Shape(2, 6, D_IN)); // (batch, tokens, d)
            w.add(a, null);
            assertEquals(12, w.rows());
        }
        assertEquals(3, ActivationStore.open(dir).shards().size());
    }

    @Test
    void aCorruptShardIsNamed(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("acts");
        write(dir, 300, 100, false);
        Path shard = dir.resolve("shard-00001.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.seek(f.length() - 10);
            int b = f.read();
            f.seek(f.length() - 10);
            f.write(b ^ 0xff); // one byte of one float flipped: the size is right, the content not
        }
        ActivationStore store = ActivationStore.open(dir);
        IOException verify = assertThrows(IOException.class, store::verify);
        assertTrue(
                verify.getMessage().contains("shard-00001.safetensors is corrupt"),
                verify.getMessage());
        assertTrue(verify.getMessage().contains("SHA-256"), verify.getMessage());
        try (NDManager m = NDManager.newBaseManager();
                StoreBatches batches = store.batches(1000, 300, 0)) {
            UncheckedIOException e =
                    assertThrows(UncheckedIOException.class, () -> batches.next(m));
            assertTrue(
                    e.getMessage().contains("shard-00001.safetensors is corrupt"), e.getMessage());
        }
    }

    @Test
    void aTruncatedOrMissingShardIsNamedWhenOpened(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("acts");
        write(dir, 300, 100, false);
        Path shard = dir.resolve("shard-00002.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        IOException e = assertThrows(IOException.class, () -> ActivationStore.open(dir));
        assertTrue(e.getMessage().contains("shard-00002.safetensors is truncated"), e.getMessage());
        Files.delete(shard);
        IOException missing = assertThrows(IOException.class, () -> ActivationStore.open(dir));
        assertTrue(missing.getMessage().contains("shard-00002.safetensors"), missing.getMessage());
    }

    @Test
    void aCorruptHeaderIsNamedEvenWithoutChecksums(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("acts");
        write(dir, 30, 10, false);
        Path shard = dir.resolve("shard-00000.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.seek(9);
            f.write('#'); // the JSON header broken
        }
        ActivationStore store = ActivationStore.open(dir);
        try (NDManager m = NDManager.newBaseManager();
                StoreBatches batches = store.batches(100, 30, 0).verifyChecksums(false)) {
            UncheckedIOException e =
                    assertThrows(UncheckedIOException.class, () -> batches.next(m));
            assertTrue(
                    e.getMessage().contains("shard-00000.safetensors is corrupt"), e.getMessage());
        }
    }

    @Test
    void aFolderWithAStoreIsNotOverwritten(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("acts");
        write(dir, 10, 10, false);
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> new ActivationStoreWriter(dir, "h", D_IN, 0, 10, null));
        assertTrue(e.getMessage().contains("already holds an activation store"), e.getMessage());
        assertFalse(ActivationStore.isStore(tmp));
        assertTrue(ActivationStore.isStore(dir));
    }
}
