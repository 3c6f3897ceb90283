package ai.mlpzoo.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Safetensors files (8-byte little-endian header length, a JSON header, raw little-endian data),
 * read with DJL's {@link NDList#decode} after the header has been checked against the file: a
 * truncated or corrupt file fails here with a message, never inside the engine.
 */
public final class SafeTensors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /**
     * Reads every tensor of a file; each array keeps its name.
     *
     * @param manager the owner of the arrays
     * @param file the file
     * @return the arrays, in header order
     * @throws IOException when the file is missing, truncated or corrupt
     */
    public static NDList read(NDManager manager, Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "safetensors file not found");
        }
        validate(bytes, file.toString());
        try {
            return NDList.decode(manager, bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": corrupt safetensors file: " + e.getMessage(), e);
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
        if (bytes.length < 8) {
            throw new IOException(source + ": truncated safetensors file (" + bytes.length + " bytes)");
        }
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen < 2 || headerLen > bytes.length - 8L) {
            throw new IOException(
                    source
                            + ": truncated or corrupt safetensors file (header length "
                            + headerLen
                            + ", file size "
                            + bytes.length
                            + ")");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(source + ": corrupt safetensors header: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new IOException(source + ": corrupt safetensors header: not a JSON object");
        }
        long dataLen = bytes.length - 8L - headerLen;
        long covered = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("__metadata__".equals(e.getKey())) {
                continue;
            }
            checkTensor(source, e.getKey(), e.getValue(), dataLen);
            JsonNode off = e.getValue().get("data_offsets");
            covered = Math.max(covered, off.get(1).asLong());
        }
        if (covered > dataLen) {
            throw new IOException(source + ": truncated safetensors file: data ends early");
        }
    }

    private static void checkTensor(String source, String name, JsonNode t, long dataLen)
            throws IOException {
        JsonNode dtype = t.get("dtype");
        JsonNode shape = t.get("shape");
        JsonNode off = t.get("data_offsets");
        if (dtype == null || shape == null || !shape.isArray() || off == null || off.size() != 2) {
            throw new IOException(source + ": corrupt safetensors entry for tensor '" + name + "'");
        }
        DataType type;
        try {
            type = DataType.fromSafetensors(dtype.asText());
        } catch (IllegalArgumentException ex) {
            throw new IOException(
                    source + ": tensor '" + name + "' has unsupported dtype " + dtype.asText(), ex);
        }
        long elements = 1;
        for (JsonNode d : shape) {
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new IOException(source + ": tensor '" + name + "' has a bad shape " + shape);
            }
            elements = Math.multiplyExact(elements, d.asLong());
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
        if (end - begin != elements * type.getNumOfBytes()) {
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
                throw new IllegalArgumentException("every array written to safetensors needs a name");
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
