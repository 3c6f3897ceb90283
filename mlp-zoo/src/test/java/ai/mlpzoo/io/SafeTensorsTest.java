package ai.mlpzoo.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader: round trips, half precision, non-regular files and corrupt input. */
class SafeTensorsTest {

    @TempDir Path tmp;

    /** A safetensors image with one tensor of the given dtype, shape and raw little-endian data. */
    static byte[] file(String name, String dtype, long[] shape, byte[] data) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(dims.length() == 0 ? "" : ",").append(d);
        }
        String header =
                "{\""
                        + name
                        + "\":{\"dtype\":\""
                        + dtype
                        + "\",\"shape\":["
                        + dims
                        + "],\"data_offsets\":[0,"
                        + data.length
                        + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b =
                ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    static byte[] shorts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    @Test
    void writeThenReadGivesIdenticalTensors() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(3, 5));
            a.setName("a");
            NDArray b = m.arange(0, 12, 1, DataType.INT64).reshape(4, 3);
            b.setName("b.weight");
            Path f = tmp.resolve("x.safetensors");
            SafeTensors.write(new NDList(a, b), f);
            NDList back = SafeTensors.read(m, f);
            assertEquals(2, back.size());
            assertEquals("a", back.get(0).getName());
            assertEquals("b.weight", back.get(1).getName());
            assertArrayEquals(a.toFloatArray(), back.get(0).toFloatArray());
            assertEquals(DataType.INT64, back.get(1).getDataType());
            assertArrayEquals(b.toLongArray(), back.get(1).toLongArray());
        }
    }

    @Test
    void bf16IsWidenedToFloat32() throws Exception {
        // bfloat16 bit patterns: 1.0, -2.5, 0.15625, 3.0e38-ish, +inf
        Path f = tmp.resolve("bf16.safetensors");
        Files.write(
                f,
                file("w", "BF16", new long[] {5}, shorts(0x3F80, 0xC020, 0x3E20, 0x7F61, 0x7F80)));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = SafeTensors.read(m, f).get(0);
            assertEquals(DataType.FLOAT32, w.getDataType());
            float[] v = w.toFloatArray();
            assertEquals(1.0f, v[0]);
            assertEquals(-2.5f, v[1]);
            assertEquals(0.15625f, v[2]);
            assertEquals(Float.intBitsToFloat(0x7F610000), v[3]);
            assertEquals(Float.POSITIVE_INFINITY, v[4]);
        }
    }

    @Test
    void f16IsWidenedToFloat32() throws Exception {
        // IEEE half: 1.0, -2.5, 65504 (largest), 2^-24 (smallest subnormal), -0.0, -inf
        Path f = tmp.resolve("f16.safetensors");
        Files.write(
                f,
                file(
                        "w",
                        "F16",
                        new long[] {2, 3},
                        shorts(0x3C00, 0xC100, 0x7BFF, 0x0001, 0x8000, 0xFC00)));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = SafeTensors.read(m, f).get(0);
            assertEquals(new Shape(2, 3), w.getShape());
            float[] v = w.toFloatArray();
            assertArrayEquals(
                    new float[] {
                        1.0f, -2.5f, 65504f, 5.9604645e-8f, -0.0f, Float.NEGATIVE_INFINITY
                    },
                    v);
            assertTrue(Float.isNaN(SafeTensors.halfToFloat(0x7E00)));
        }
    }

    @Test
    void unsupportedDtypeIsNamed() throws Exception {
        Path f = tmp.resolve("u16.safetensors");
        Files.write(f, file("w", "U16", new long[] {1}, shorts(1)));
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> SafeTensors.read(m, f));
            assertTrue(
                    e.getMessage().contains("tensor 'w' has unsupported dtype U16"),
                    e.getMessage());
        }
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = tmp.resolve("model.safetensors");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e =
                    assertTimeoutPreemptively(
                            Duration.ofSeconds(10),
                            () -> assertThrows(IOException.class, () -> SafeTensors.read(m, fifo)));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
    }

    /**
     * Files over 2 GB are read by mapping each tensor, never the whole file into one array: a
     * tensor that starts past 2^31 bytes (the file is sparse, so no disk is used) reads correctly.
     */
    @Test
    void aTensorPastTwoGigabytesIsRead() throws Exception {
        long begin = (1L << 31) + 16;
        String header =
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":["
                        + begin
                        + ","
                        + (begin + 16)
                        + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = tmp.resolve("big.safetensors");
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(4f).flip();
        ByteBuffer head = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(h.length).put(h).flip();
        try (java.nio.channels.FileChannel ch =
                java.nio.channels.FileChannel.open(
                        f,
                        java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.SPARSE,
                        java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(head, 0);
            ch.write(data, 8 + h.length + begin);
        }
        assertTrue(Files.size(f) > (1L << 31), "the file is over 2 GB");
        try (NDManager m = NDManager.newBaseManager()) {
            NDList l = SafeTensors.read(m, f);
            assertEquals(1, l.size());
            assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4f}, l.get(0).toFloatArray());
        }
    }

    @Test
    void aHugeHeaderLengthIsRefusedBeforeAllocating() throws Exception {
        Path f = tmp.resolve("huge.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(Long.MAX_VALUE / 2).putLong(0);
        Files.write(f, b.array());
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> SafeTensors.read(m, f));
            assertTrue(e.getMessage().contains("header length"), e.getMessage());
        }
    }

    /**
     * Seeded random mutations of a valid file: every case ends in a clean IOException or in tensors
     * whose shape matches the header; never another exception, a crash or a hang.
     */
    @Test
    void mutatedFilesFailCleanlyOrReadConsistently() throws Exception {
        byte[] valid;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(4, 3));
            a.setName("w");
            NDArray b = m.arange(0, 6, 1, DataType.INT32);
            b.setName("idx");
            ByteArrayOutputStream os = new ByteArrayOutputStream();
            new NDList(a, b).encode(os, NDList.Encoding.SAFETENSORS);
            valid = os.toByteArray();
        }
        Random rnd = new Random(20261126L);
        int ok = 0;
        int refused = 0;
        Path f = tmp.resolve("fuzz.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 3000; i++) {
                byte[] bytes = mutate(valid, rnd);
                Files.write(f, bytes);
                try (NDManager sub = m.newSubManager()) {
                    NDList got = SafeTensors.read(sub, f);
                    for (NDArray x : got) {
                        assertEquals(x.getShape().size(), x.size());
                    }
                    ok++;
                } catch (IOException e) {
                    assertTrue(
                            e.getMessage() != null && e.getMessage().contains(f.toString()),
                            e.toString());
                    refused++;
                }
            }
        }
        System.out.println("safetensors fuzz: " + ok + " read, " + refused + " refused");
        assertTrue(refused > 1000 && ok > 10, ok + " read, " + refused + " refused");
    }

    private static byte[] mutate(byte[] valid, Random rnd) {
        byte[] b = valid.clone();
        switch (rnd.nextInt(5)) {
            case 0: // truncate
                return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 1: // flip bytes anywhere
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
                return b;
            case 2: // corrupt the header length
                ByteBuffer.wrap(b)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(0, rnd.nextLong() >> rnd.nextInt(64));
                return b;
            case 3:
                { // replace a digit in the JSON header (shapes, offsets)
                    int hl = (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                    for (int tries = 0; tries < 50; tries++) {
                        int at = 8 + rnd.nextInt(hl);
                        if (Character.isDigit(b[at])) {
                            b[at] = (byte) ('0' + rnd.nextInt(10));
                            break;
                        }
                    }
                    return b;
                }
            default: // append garbage
                byte[] extra = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(extra);
                byte[] out = java.util.Arrays.copyOf(b, b.length + extra.length);
                System.arraycopy(extra, 0, out, b.length, extra.length);
                return out;
        }
    }
}
