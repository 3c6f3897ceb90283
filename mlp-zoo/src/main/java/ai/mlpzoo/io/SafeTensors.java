package ai.mlpzoo.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Safetensors files (8-byte little-endian header length, a JSON header, raw little-endian data).
 * The header is checked against the file before any tensor is made, so a truncated or corrupt file
 * fails here with a message, never inside the engine. Tensors are read from memory-mapped regions
 * one at a time, so files larger than 2 GiB are read without holding them on the Java heap.
 * Half-precision tensors (BF16, common in hub checkpoints, and F16) are widened to float32 on read:
 * the engines' float32 kernels are what every block of ours computes with.
 */
public final class SafeTensors {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The format's own bound on the JSON header (the reference implementation refuses larger). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private SafeTensors() {}

    /** One tensor's header entry, checked against the file. */
    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    /** The dtypes we read, with their width in the file and the type they become. */
    private enum DType {
        F64(8, DataType.FLOAT64),
        F32(4, DataType.FLOAT32),
        F16(2, DataType.FLOAT32),
        BF16(2, DataType.FLOAT32),
        I64(8, DataType.INT64),
        I32(4, DataType.INT32),
        I8(1, DataType.INT8),
        U8(1, DataType.UINT8),
        BOOL(1, DataType.BOOLEAN);

        final int bytes;
        final DataType target;

        DType(int bytes, DataType target) {
            this.bytes = bytes;
            this.target = target;
        }
    }

    /**
     * Reads every tensor of a file; each array keeps its name.
     *
     * @param manager the owner of the arrays
     * @param file the file
     * @return the arrays, in header order
     * @throws IOException when the file is missing, not a regular file, truncated or corrupt
     */
    public static NDList read(NDManager manager, Path file) throws IOException {
        if (Files.notExists(file)) {
            throw new NoSuchFileException(file.toString(), null, "safetensors file not found");
        }
        if (!Files.isRegularFile(file)) {
            // a FIFO or device would block or never end: refuse before opening it
            throw new IOException(file + ": not a regular file; a safetensors file is expected");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = readFully(ch, 0, (int) Math.min(8, size));
            long headerLen = checkHeaderLength(head, size, file.toString());
            ByteBuffer json = readFully(ch, 8, (int) headerLen);
            List<Entry> entries = parseHeader(json.array(), file.toString(), size - 8 - headerLen);
            long dataStart = 8 + headerLen;
            NDList out = new NDList(entries.size());
            try {
                for (Entry e : entries) {
                    long bytes = e.end - e.begin;
                    if (bytes > Integer.MAX_VALUE - 8) {
                        throw new IOException(
                                file
                                        + ": tensor '"
                                        + e.name
                                        + "' is "
                                        + bytes
                                        + " bytes; one tensor may hold at most 2 GiB");
                    }
                    ByteBuffer raw =
                            bytes == 0
                                    ? ByteBuffer.allocateDirect(0)
                                    : ch.map(
                                            FileChannel.MapMode.READ_ONLY,
                                            dataStart + e.begin,
                                            bytes);
                    raw.order(ByteOrder.LITTLE_ENDIAN);
                    NDArray a =
                            manager.create(widen(raw, e.dtype), new Shape(e.shape), e.dtype.target);
                    a.setName(e.name);
                    out.add(a);
                }
            } catch (IOException | RuntimeException ex) {
                out.close();
                throw ex;
            }
            return out;
        }
    }

    /**
     * Checks that a safetensors byte image is complete and self-consistent.
     *
     * @param bytes the file content
     * @param source the file name, for messages
     * @throws IOException naming what is wrong
     */
    public static void validate(byte[] bytes, String source) throws IOException {
        ByteBuffer head = ByteBuffer.wrap(bytes, 0, Math.min(8, bytes.length));
        long headerLen = checkHeaderLength(head.slice(), bytes.length, source);
        byte[] json = java.util.Arrays.copyOfRange(bytes, 8, 8 + (int) headerLen);
        parseHeader(json, source, bytes.length - 8L - headerLen);
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new java.io.EOFException("file ended early");
            }
        }
        b.flip();
        return b;
    }

    private static long checkHeaderLength(ByteBuffer head, long size, String source)
            throws IOException {
        if (head.remaining() < 8) {
            throw new IOException(source + ": truncated safetensors file (" + size + " bytes)");
        }
        long headerLen = head.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLen < 2 || headerLen > size - 8L || headerLen > MAX_HEADER_BYTES) {
            throw new IOException(
                    source
                            + ": truncated or corrupt safetensors file (header length "
                            + headerLen
                            + ", file size "
                            + size
                            + ")");
        }
        return headerLen;
    }

    private static List<Entry> parseHeader(byte[] json, String source, long dataLen)
            throws IOException {
        JsonNode header;
        try {
            header = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(source + ": corrupt safetensors header: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new IOException(source + ": corrupt safetensors header: not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("__metadata__".equals(e.getKey())) {
                continue;
            }
            entries.add(checkTensor(source, e.getKey(), e.getValue(), dataLen));
        }
        return entries;
    }

    private static Entry checkTensor(String source, String name, JsonNode t, long dataLen)
            throws IOException {
        JsonNode dtype = t.get("dtype");
        JsonNode shape = t.get("shape");
        JsonNode off = t.get("data_offsets");
        if (dtype == null || !dtype.isTextual()) {
            throw new IOException(
                    source
                            + ": corrupt safetensors entry for tensor '"
                            + name
                            + "': field 'dtype' must be a string such as \"F32\", got "
                            + dtype);
        }
        if (shape == null || !shape.isArray()) {
            throw new IOException(
                    source
                            + ": corrupt safetensors entry for tensor '"
                            + name
                            + "': field 'shape' must be a list of whole numbers, got "
                            + shape);
        }
        if (off == null
                || !off.isArray()
                || off.size() != 2
                || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber()) {
            throw new IOException(
                    source
                            + ": corrupt safetensors entry for tensor '"
                            + name
                            + "': field 'data_offsets' must be two whole numbers [begin, end], got "
                            + off);
        }
        DType type;
        try {
            type = DType.valueOf(dtype.asText());
        } catch (IllegalArgumentException ex) {
            throw new IOException(
                    source
                            + ": tensor '"
                            + name
                            + "' has unsupported dtype "
                            + dtype.asText()
                            + "; supported: "
                            + java.util.Arrays.toString(DType.values()),
                    ex);
        }
        long[] dims = new long[shape.size()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new IOException(
                        source
                                + ": tensor '"
                                + name
                                + "' has a bad shape "
                                + shape
                                + ": each dimension must be a whole number >= 0 (a fraction or"
                                + " string is not read as one)");
            }
            dims[i] = d.asLong();
        }
        // the engine computes strides over every dimension, zero-sized ones too: their product
        // (a zero counted as one) must fit in 63 bits with the element size, or PyTorch fails with
        // "Stride calculation overflowed"
        long span = type.bytes;
        for (long dim : dims) {
            try {
                span = Math.multiplyExact(span, Math.max(1, dim));
                elements = Math.multiplyExact(elements, dim);
            } catch (ArithmeticException ex) {
                throw new IOException(
                        source
                                + ": tensor '"
                                + name
                                + "' has an impossibly large shape "
                                + shape
                                + ": its byte size overflows 64 bits",
                        ex);
            }
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
            throw new IOException(
                    source
                            + ": truncated safetensors file: tensor '"
                            + name
                            + "' needs bytes "
                            + begin
                            + ".."
                            + end
                            + " of "
                            + dataLen);
        }
        if (elements > (Long.MAX_VALUE / type.bytes) || end - begin != elements * type.bytes) {
            throw new IOException(
                    source
                            + ": corrupt safetensors entry: tensor '"
                            + name
                            + "' of shape "
                            + shape
                            + " does not fill its "
                            + (end - begin)
                            + " bytes");
        }
        return new Entry(name, type, dims, begin, end);
    }

    /** Half-precision data widened to float32; other types as they are. */
    private static ByteBuffer widen(ByteBuffer raw, DType type) {
        if (type != DType.BF16 && type != DType.F16) {
            return raw;
        }
        int n = raw.remaining() / 2;
        ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            int h = raw.getShort(i * 2) & 0xffff;
            // bfloat16 is the top half of a float32; IEEE half needs its fields rebuilt
            out.putFloat(
                    i * 4, type == DType.BF16 ? Float.intBitsToFloat(h << 16) : halfToFloat(h));
        }
        return out;
    }

    /** IEEE 754 binary16 to float32, subnormals, infinities and NaN included. */
    static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f; // subnormal: mant * 2^-24
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * Writes arrays, each under its name, atomically (a temporary file renamed into place).
     *
     * @param arrays named arrays
     * @param file the target
     * @throws IOException when writing fails
     */
    public static void write(NDList arrays, Path file) throws IOException {
        for (NDArray a : arrays) {
            if (a.getName() == null) {
                throw new IllegalArgumentException(
                        "every array written to safetensors needs a name");
            }
        }
        AtomicFiles.write(
                file,
                os -> {
                    arrays.encode(os, NDList.Encoding.SAFETENSORS);
                });
    }

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes.
         *
         * @param os the stream
         * @throws IOException when writing fails
         */
        void write(OutputStream os) throws IOException;
    }
}
