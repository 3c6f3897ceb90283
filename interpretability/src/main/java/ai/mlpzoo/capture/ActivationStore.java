package ai.mlpzoo.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A folder of captured activations on disk, written by {@link ActivationStoreWriter}: safetensors
 * shards of float32 rows ({@code x}, and {@code y} for a transcoder) and a {@code manifest.json}
 * naming the hook point, the widths, the dtype, the row count and every shard with its rows, size
 * in bytes and SHA-256. {@link #batches} reads it back as shuffled training batches through a
 * bounded buffer ({@link StoreBatches}), so an SAE trains on more activations than fit in memory,
 * as with SAELens' {@code ActivationsStore} and dictionary_learning's {@code ActivationBuffer}.
 *
 * <p>{@link #open} checks the manifest and that every shard exists with its listed size, so a
 * missing or truncated shard is named before training starts; the SHA-256 of a shard is checked
 * when it is first read (or by {@link #verify()}), naming a corrupt one.
 */
public final class ActivationStore {

    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    /** The manifest's format tag. */
    static final String FORMAT = "mlpzoo-activations";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One shard as the manifest lists it.
     *
     * @param file the file name inside the store's folder
     * @param rows its rows
     * @param bytes its size in bytes
     * @param sha256 the SHA-256 of the file, lower-case hex
     */
    public record Shard(String file, long rows, long bytes, String sha256) {}

    private final Path dir;
    private final String hook;
    private final int dIn;
    private final int dOut;
    private final long rows;
    private final boolean complete;
    private final Map<String, String> metadata;
    private final List<Shard> shards;

    private ActivationStore(
            Path dir,
            String hook,
            int dIn,
            int dOut,
            long rows,
            boolean complete,
            Map<String, String> metadata,
            List<Shard> shards) {
        this.dir = dir;
        this.hook = hook;
        this.dIn = dIn;
        this.dOut = dOut;
        this.rows = rows;
        this.complete = complete;
        this.metadata = metadata;
        this.shards = shards;
    }

    /**
     * Whether a path is a store's folder (it holds a manifest).
     *
     * @param path a file or folder
     * @return true for a folder holding {@value #MANIFEST}
     */
    public static boolean isStore(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve(MANIFEST));
    }

    /**
     * Opens a store: reads its manifest and checks that every shard is there with its size.
     *
     * @param dir the folder
     * @return the store
     * @throws IOException naming the manifest or the shard that is missing, truncated or invalid
     */
    public static ActivationStore open(Path dir) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new NoSuchFileException(
                    manifest.toString(),
                    null,
                    "no activation store manifest; write one with mlpzoo capture");
        }
        JsonNode m;
        try {
            m = JSON.readTree(manifest.toFile());
        } catch (IOException e) {
            throw new IOException(
                    manifest
                            + ": not valid JSON ("
                            + e.getMessage().lines().findFirst().orElse("")
                            + ")");
        }
        if (m == null || !FORMAT.equals(m.path("format").asText())) {
            throw new IOException(manifest + ": \"format\" must be \"" + FORMAT + "\"");
        }
        if (!"F32".equals(m.path("dtype").asText())) {
            throw new IOException(
                    manifest + ": \"dtype\" " + m.path("dtype") + " is not supported (only F32)");
        }
        int dIn = positiveInt(m, "d_in", manifest);
        int dOut = m.path("d_out").asInt(0);
        if (dOut < 0) {
            throw new IOException(manifest + ": \"d_out\" must be >= 0");
        }
        List<Shard> shards = new ArrayList<>();
        long total = 0;
        for (JsonNode s : m.path("shards")) {
            String file = s.path("file").asText("");
            if (!validShardPath(file)) {
                throw new IOException(
                        manifest + ": shard file name " + s.path("file") + " invalid");
            }
            long r = s.path("rows").asLong(-1);
            long bytes = s.path("bytes").asLong(-1);
            if (r <= 0 || bytes <= 0) {
                throw new IOException(manifest + ": shard " + file + " needs positive rows, bytes");
            }
            Shard shard = new Shard(file, r, bytes, s.path("sha256").asText(""));
            Path p = dir.resolve(file);
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(
                        p.toString(), null, "activation shard listed in " + MANIFEST + " missing");
            }
            long actual = Files.size(p);
            if (actual != bytes) {
                throw new IOException(
                        "activation shard "
                                + p
                                + " is "
                                + (actual < bytes ? "truncated" : "corrupt")
                                + ": "
                                + actual
                                + " bytes, the manifest says "
                                + bytes
                                + "; capture it again");
            }
            shards.add(shard);
            total += r;
        }
        long rows = m.path("rows").asLong(-1);
        if (rows != total) {
            throw new IOException(
                    manifest + ": \"rows\" is " + rows + " but its shards hold " + total + " rows");
        }
        if (rows == 0) {
            throw new IOException(manifest + ": the store holds no rows");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        m.path("metadata")
                .fields()
                .forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        return new ActivationStore(
                dir,
                m.path("hook").asText(""),
                dIn,
                dOut,
                rows,
                m.path("complete").asBoolean(false),
                Collections.unmodifiableMap(metadata),
                List.copyOf(shards));
    }

    /**
     * A shard's name in a manifest: a file of the store's folder, or of one of its sub-stores
     * ({@code part-00003/shard-00000.safetensors}, as {@link #combine} lists them): relative
     * segments separated by {@code /}, none empty, {@code .} or {@code ..}, so that no manifest
     * points outside its folder.
     */
    static boolean validShardPath(String file) {
        if (file.isEmpty() || file.contains("\\") || file.startsWith("/")) {
            return false;
        }
        for (String seg : file.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.contains(":")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Joins stores written side by side (one per Spark partition, say) into one: writes {@code
     * dir/manifest.json} listing every shard of the sub-stores {@code dir/<name>/} under {@code
     * <name>/<shard>}, with its rows, size and SHA-256 copied from the sub-store's manifest, so
     * that {@link #open}, {@link #batches} and {@code mlpzoo train-sae --activations dir} read all
     * of them as one store. The manifest is written atomically and last: a folder without it is not
     * a store. The sub-stores keep their own manifests and stay readable alone.
     *
     * @param dir the folder holding the sub-stores
     * @param stores the sub-stores' folder names, in the order to list them
     * @param metadata notes for the combined manifest
     * @return the combined store
     * @throws IOException when a sub-store is missing or invalid, they differ in hook point or
     *     widths, none holds a row, or {@code dir} already holds a manifest
     */
    public static ActivationStore combine(
            Path dir, List<String> stores, Map<String, String> metadata) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (Files.exists(manifest)) {
            throw new IOException(
                    dir + " already holds an activation store (" + MANIFEST + "); not combining");
        }
        if (stores.isEmpty()) {
            throw new IOException(dir + ": no stores to combine (no rows were captured)");
        }
        List<Shard> shards = new ArrayList<>();
        long rows = 0;
        long perShard = 0;
        boolean complete = true;
        ActivationStore first = null;
        for (String name : stores) {
            if (name.contains("/") || !validShardPath(name)) {
                throw new IOException(dir + ": sub-store name '" + name + "' invalid");
            }
            ActivationStore s = open(dir.resolve(name));
            if (first == null) {
                first = s;
            } else if (!first.hook.equals(s.hook) || first.dIn != s.dIn || first.dOut != s.dOut) {
                throw new IOException(
                        "cannot combine "
                                + s.dir
                                + " (hook '"
                                + s.hook
                                + "', d_in "
                                + s.dIn
                                + ", d_out "
                                + s.dOut
                                + ") with "
                                + first.dir
                                + " (hook '"
                                + first.hook
                                + "', d_in "
                                + first.dIn
                                + ", d_out "
                                + first.dOut
                                + ")");
            }
            for (Shard sh : s.shards) {
                shards.add(new Shard(name + "/" + sh.file(), sh.rows(), sh.bytes(), sh.sha256()));
                perShard = Math.max(perShard, sh.rows());
            }
            rows += s.rows;
            complete &= s.complete;
        }
        Map<String, String> meta = new LinkedHashMap<>(first.metadata);
        if (metadata != null) {
            meta.putAll(metadata);
        }
        meta.put("stores", Integer.toString(stores.size()));
        ai.mlpzoo.io.AtomicFiles.writeString(
                manifest,
                manifestJson(
                        first.hook,
                        first.dIn,
                        first.dOut,
                        rows,
                        (int) perShard,
                        complete,
                        meta,
                        shards));
        return open(dir);
    }

    private static int positiveInt(JsonNode m, String field, Path manifest) throws IOException {
        int v = m.path(field).asInt(0);
        if (v <= 0) {
            throw new IOException(manifest + ": \"" + field + "\" must be a positive integer");
        }
        return v;
    }

    /**
     * @return the folder
     */
    public Path dir() {
        return dir;
    }

    /**
     * @return the hook point the activations were captured at
     */
    public String hook() {
        return hook;
    }

    /**
     * @return the width of x
     */
    public int dIn() {
        return dIn;
    }

    /**
     * @return the width of y, 0 when the store holds x only
     */
    public int dOut() {
        return dOut;
    }

    /**
     * @return the total rows
     */
    public long rows() {
        return rows;
    }

    /**
     * @return whether the capture finished (false: it was stopped, the listed shards are whole)
     */
    public boolean complete() {
        return complete;
    }

    /**
     * @return the free-form notes of the capture
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * @return the shards, in the order written
     */
    public List<Shard> shards() {
        return shards;
    }

    /**
     * Shuffled training batches, each row once per epoch.
     *
     * @param bufferRows the rows held in memory (refilled when half empty)
     * @param batchSize the rows per batch
     * @param seed the seed of the shard order and the shuffle
     * @return the batch source; close it to release the open shard
     */
    public StoreBatches batches(int bufferRows, int batchSize, long seed) {
        return new StoreBatches(this, bufferRows, batchSize, seed);
    }

    /**
     * Checks every shard's SHA-256 against the manifest.
     *
     * @throws IOException naming the first corrupt shard
     */
    public void verify() throws IOException {
        for (Shard s : shards) {
            verify(s);
        }
    }

    void verify(Shard s) throws IOException {
        if (s.sha256().isEmpty()) {
            return;
        }
        Path p = dir.resolve(s.file());
        MessageDigest sha = ActivationStoreWriter.sha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(p)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equalsIgnoreCase(s.sha256())) {
            throw new IOException(
                    "activation shard "
                            + p
                            + " is corrupt: its SHA-256 is "
                            + actual
                            + ", the manifest says "
                            + s.sha256()
                            + "; capture it again");
        }
    }

    /** The manifest's JSON text. */
    static String manifestJson(
            String hook,
            int dIn,
            int dOut,
            long rows,
            int rowsPerShard,
            boolean complete,
            Map<String, String> metadata,
            List<Shard> shards) {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("version", 1);
        m.put("hook", hook);
        m.put("d_in", dIn);
        m.put("d_out", dOut);
        m.put("dtype", "F32");
        m.put("rows", rows);
        m.put("rows_per_shard", rowsPerShard);
        m.put("complete", complete);
        ObjectNode meta = m.putObject("metadata");
        metadata.forEach(meta::put);
        ArrayNode list = m.putArray("shards");
        for (Shard s : shards) {
            ObjectNode o = list.addObject();
            o.put("file", s.file());
            o.put("rows", s.rows());
            o.put("bytes", s.bytes());
            o.put("sha256", s.sha256());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String jsonEscape(String s) {
        try {
            String q = JSON.writeValueAsString(s);
            return q.substring(1, q.length() - 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** rows x width floats, refused with the sizes when one Java array cannot hold them. */
    static int floats(long rows, int width, String rowsName, String widthName) {
        long n = rows * width;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    rowsName
                            + " ("
                            + rows
                            + ") x "
                            + widthName
                            + " ("
                            + width
                            + ") = "
                            + n
                            + " floats, more than one Java array holds (2^31 - 9): lower the "
                            + rowsName);
        }
        return (int) n;
    }
}
