package ai.mlpzoo.spark;

import ai.mlpzoo.capture.ActivationStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The driver's side of an activation capture, a commit in three steps so that a retried or
 * speculative task never adds its rows twice and a failed job never leaves a readable store:
 *
 * <ol>
 *   <li>each task attempt writes its own store in {@code out/_attempts/part-<p>-attempt-<id>}
 *       ({@link CapturePartition}) and returns its folder's name;
 *   <li>Spark hands the driver one result per partition, from the attempt it accepted; the driver
 *       moves exactly those folders to {@code out/part-<p>} (an atomic rename) and deletes {@code
 *       _attempts} with every other attempt's leftovers;
 *   <li>the driver writes {@code out/manifest.json} last and atomically ({@link
 *       ActivationStore#combine}): every shard of every part with its rows, size and SHA-256.
 * </ol>
 *
 * The output folder is read and written with {@code java.nio} by the executors and the driver: it
 * must be one file system they all see (local mode, or a shared mount such as NFS); HDFS and object
 * stores are not supported.
 */
final class CaptureJob {

    private CaptureJob() {}

    /** The capture's output as the scorer sees it: the raw token rows, never encoded by Spark. */
    static final class TokenRows implements RowOutput<float[][]> {
        private static final long serialVersionUID = 1L;

        @Override
        public StructField[] fields() {
            return new StructField[] {
                DataTypes.createStructField("activations", DataTypes.BinaryType, true)
            };
        }

        @Override
        public Object[] values(float[][] tokens) {
            return new Object[] {tokens};
        }
    }

    static CaptureResult run(
            Dataset<Row> df,
            PartitionScorer<String, float[][]> scorer,
            Path out,
            String hook,
            int rowsPerShard,
            Map<String, String> metadata) {
        scorer.outputSchema(df.schema()); // checks the text column on the driver
        try {
            if (Files.exists(out)) {
                if (!Files.isDirectory(out)) {
                    throw new IllegalArgumentException(
                            out + " is a file; name a new folder for the activation store");
                }
                try (Stream<Path> s = Files.list(out)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalArgumentException(
                                out
                                        + " is not empty; name a new folder for the activation"
                                        + " store (or delete it)");
                    }
                }
            }
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CapturePartition task =
                new CapturePartition(
                        scorer,
                        df.schema().size(),
                        out.toAbsolutePath().toString(),
                        hook,
                        rowsPerShard,
                        metadata);
        List<Row> results =
                df.mapPartitions(task, Encoders.row(CapturePartition.SUMMARY)).collectAsList();
        long texts = 0;
        long rows = 0;
        long bad = 0;
        List<String> messages = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        try {
            Path attempts = out.resolve(CapturePartition.ATTEMPTS);
            for (Row r : results) {
                texts += r.getLong(2);
                rows += r.getLong(3);
                bad += r.getLong(4);
                if (!r.isNullAt(5)) {
                    messages.addAll(List.of(r.getString(5).split("\n")));
                }
                if (!r.isNullAt(1)) {
                    String part = String.format("part-%05d", r.getInt(0));
                    Files.move(
                            attempts.resolve(r.getString(1)),
                            out.resolve(part),
                            StandardCopyOption.ATOMIC_MOVE);
                    parts.add(part);
                }
            }
            deleteTree(attempts); // failed and speculative attempts' leftovers
            parts.sort(null);
            if (parts.isEmpty()) {
                throw new IllegalArgumentException(
                        "no activations captured: the DataFrame has no good text ("
                                + texts
                                + " rows, "
                                + bad
                                + " bad)");
            }
            Map<String, String> meta = new LinkedHashMap<>(metadata);
            meta.put("partition", "all (" + parts.size() + " parts)");
            ActivationStore.combine(out, parts, meta);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CaptureResult(out, rows, texts, bad, List.copyOf(messages), parts.size());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
