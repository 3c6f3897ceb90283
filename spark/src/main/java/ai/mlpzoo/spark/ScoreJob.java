package ai.mlpzoo.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The batch job behind {@code mlpzoo spark-score} (and a main class for {@code spark-submit}):
 * scores a folder, glob or file of images, or a Parquet or CSV file of vectors, with one model, and
 * writes one CSV, JSON-lines or Parquet file. Images get {@code path, label, probability} and the
 * top k; vectors get an SAE's features or a regression's outputs. Progress is printed as Spark's
 * stages complete.
 *
 * <pre>
 * spark-submit --class ai.mlpzoo.spark.ScoreJob mlpzoo-spark-all.jar \
 *     mixer/fmnist --input /data/pngs --output scores.csv --format csv
 * </pre>
 */
public final class ScoreJob {

    /** What to run. */
    public static final class Options {
        /** artifact[/variant] or a model directory. */
        public String model;

        /** A folder, glob or file: images, or .parquet / .csv of vectors. */
        public String input;

        /** The file to write. */
        public Path output;

        /** csv, json or parquet. */
        public String format = "csv";

        /** Spark's master, when the job starts its own session. */
        public String master = "local[*]";

        /** auto, classify, features or regress. */
        public String task = "auto";

        /** The vector column of a Parquet input (default: its first array column). */
        public String column;

        /** auto, PyTorch or OnnxRuntime. */
        public String engine = ModelSource.AUTO;

        /** Rows per batchPredict. */
        public int batchSize = 64;

        /** Classes in topk. */
        public int topK = 5;

        /** fail or column. */
        public OnError onError = OnError.FAIL;

        /** Replace an existing output file. */
        public boolean force;

        /** Partitions to score in (0: Spark's choice, at least the default parallelism). */
        public int partitions;
    }

    /** What a run did. */
    public record Result(long rows, long badRows, double seconds, String task, Path output) {}

    private static final String IMAGE_GLOB = "*.{png,PNG,jpg,JPG,jpeg,JPEG,bmp,BMP,gif,GIF}";

    private ScoreJob() {}

    /**
     * spark-submit's entry: {@code <model> --input <in> --output <file> [--format csv|json|parquet]
     * [--task ...] [--engine ...] [--batch-size n] [--top-k n] [--on-error fail|column] [--force]}.
     *
     * @param args the arguments
     * @throws IOException when the input or output cannot be used
     */
    public static void main(String[] args) throws IOException {
        Options o = new Options();
        boolean masterGiven = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                o.model = a;
                continue;
            }
            if (a.equals("--force")) {
                o.force = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--input" -> o.input = v;
                case "--output" -> o.output = Paths.get(v);
                case "--format" -> o.format = v;
                case "--master" -> {
                    o.master = v;
                    masterGiven = true;
                }
                case "--task" -> o.task = v;
                case "--column" -> o.column = v;
                case "--engine" -> o.engine = v;
                case "--batch-size" -> o.batchSize = Integer.parseInt(v);
                case "--top-k" -> o.topK = Integer.parseInt(v);
                case "--on-error" -> o.onError = OnError.parse(v);
                case "--partitions" -> o.partitions = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        SparkSession.Builder builder = SparkSession.builder().appName("mlpzoo spark-score");
        // spark-submit passes its --master as the spark.master property, which wins; --master
        // here serves a plain `java -cp ... ScoreJob` launch
        if (masterGiven && System.getProperty("spark.master") == null) {
            builder = builder.master(o.master);
        }
        SparkSession spark = builder.getOrCreate();
        try {
            run(spark, o, System.err);
        } finally {
            spark.stop();
        }
    }

    /**
     * Starts a session on {@code options.master}, runs, stops it.
     *
     * @param o the options
     * @param progress where progress goes
     * @return what was done
     * @throws IOException when the input or output cannot be used
     */
    public static Result runLocal(Options o, PrintStream progress) throws IOException {
        check(o);
        SparkSession spark =
                SparkSession.builder()
                        .master(o.master)
                        .appName("mlpzoo spark-score")
                        .config("spark.ui.enabled", "false")
                        .config("spark.ui.showConsoleProgress", "false")
                        .getOrCreate();
        try {
            return run(spark, o, progress);
        } finally {
            spark.stop();
        }
    }

    private static void check(Options o) throws IOException {
        if (o.model == null || o.input == null || o.output == null) {
            throw new IllegalArgumentException(
                    "give the model, --input <folder, glob or file> and --output <file>");
        }
        o.format = o.format.toLowerCase(Locale.ROOT);
        if (!List.of("csv", "json", "parquet").contains(o.format)) {
            throw new IllegalArgumentException(
                    "--format must be csv, json or parquet, got '" + o.format + "'");
        }
        if (Files.exists(o.output) && !o.force) {
            throw new IOException(
                    o.output
                            + " already exists: pass --force to replace it, or choose another file");
        }
        if (o.output.getParent() != null && !Files.isDirectory(o.output.getParent())) {
            throw new NoSuchFileException(
                    o.output.getParent().toString(), null, "the output's folder does not exist");
        }
    }

    /**
     * @param spark the session
     * @param o the options
     * @param progress where progress goes
     * @return what was done
     * @throws IOException when the input or output cannot be used
     */
    public static Result run(SparkSession spark, Options o, PrintStream progress)
            throws IOException {
        check(o);
        long t0 = System.nanoTime();
        Progress listener = new Progress(progress, t0);
        spark.sparkContext().addSparkListener(listener);
        try {
            return score(spark, o, progress, t0);
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
    }

    private static Result score(SparkSession spark, Options o, PrintStream progress, long t0)
            throws IOException {
        MlpZooSpark scoring =
                MlpZooSpark.model(o.model)
                        .engine(o.engine)
                        .batchSize(o.batchSize)
                        .topK(o.topK)
                        .onError(o.onError);
        boolean vectors = isVectorFile(o.input);
        String task = o.task;
        Dataset<Row> in;
        String column;
        if (vectors) {
            in = readVectors(spark, o);
            column = "vector";
            if (task.equals("auto")) {
                task = isSae(scoring.source()) ? "features" : "regress";
            }
        } else {
            if (!task.equals("auto") && !task.equals("classify")) {
                throw new IllegalArgumentException(
                        "--task " + task + " takes a .parquet or .csv file of vectors as input");
            }
            task = "classify";
            in = readImages(spark, o.input);
            column = "content";
        }
        int parts = Math.max(o.partitions, spark.sparkContext().defaultParallelism());
        if (in.rdd().getNumPartitions() < parts) {
            in = in.repartition(parts);
        }
        Dataset<Row> scored = scoring.run(in, task, column);
        List<Column> keep = new ArrayList<>();
        boolean csv = o.format.equals("csv");
        if (vectors) {
            for (String c : in.columns()) {
                if (!c.equals("vector")) {
                    keep.add(functions.col(c));
                }
            }
        } else {
            keep.add(functions.col("path"));
        }
        switch (task) {
            case "classify" -> {
                keep.add(functions.col("label"));
                keep.add(functions.col("probability"));
                keep.add(
                        csv
                                ? functions
                                        .expr(
                                                "array_join(transform(topk, c -> concat(c.label,"
                                                        + " ':', format_number(c.probability, 6))),"
                                                        + " ' ')")
                                        .as("topk")
                                : functions.col("topk"));
            }
            case "features" -> {
                if (csv) {
                    keep.add(functions.expr("array_join(features.indices, ' ')").as("indices"));
                    keep.add(functions.expr("array_join(features.values, ' ')").as("values"));
                } else {
                    keep.add(functions.col("features"));
                }
            }
            default ->
                    keep.add(
                            csv
                                    ? functions.expr("array_join(prediction, ' ')").as("prediction")
                                    : functions.col("prediction"));
        }
        if (o.onError == OnError.COLUMN) {
            keep.add(functions.col(PartitionScorer.ERROR));
        }
        Dataset<Row> out = scored.select(keep.toArray(new Column[0])).cache();
        long rows = out.count();
        long bad =
                o.onError == OnError.COLUMN
                        ? out.filter(functions.col(PartitionScorer.ERROR).isNotNull()).count()
                        : 0;
        write(out.repartition(1), o);
        out.unpersist();
        double secs = (System.nanoTime() - t0) / 1e9;
        progress.printf(
                Locale.ROOT,
                "scored %d rows (%d bad) with %s [%s] in %.1f s (%.0f rows/s); wrote %s%n",
                rows,
                bad,
                o.model,
                task,
                secs,
                rows / secs,
                o.output);
        return new Result(rows, bad, secs, task, o.output);
    }

    private static boolean isVectorFile(String input) {
        String l = input.toLowerCase(Locale.ROOT);
        return l.endsWith(".parquet") || l.endsWith(".csv");
    }

    private static Dataset<Row> readImages(SparkSession spark, String input) throws IOException {
        Path p = Paths.get(input);
        boolean glob = input.contains("*") || input.contains("?") || input.contains("{");
        if (!glob && !Files.exists(p)) {
            throw new NoSuchFileException(input, null, "no such image, folder or glob");
        }
        var reader = spark.read().format("binaryFile");
        if (!glob && Files.isDirectory(p)) {
            reader =
                    reader.option("pathGlobFilter", IMAGE_GLOB)
                            .option("recursiveFileLookup", "true");
        }
        Dataset<Row> df = reader.load(input);
        if (df.isEmpty()) {
            throw new NoSuchFileException(
                    input, null, "no images (.png, .jpg, .jpeg, .bmp, .gif) found there");
        }
        return df;
    }

    /**
     * A Parquet file's array column (or {@code --column}), or a CSV with a header whose numeric
     * columns are the vector (the others are kept as ids), as column {@code vector}.
     */
    private static Dataset<Row> readVectors(SparkSession spark, Options o) throws IOException {
        if (!Files.exists(Paths.get(o.input))) {
            throw new NoSuchFileException(o.input, null, "no such file");
        }
        if (o.input.toLowerCase(Locale.ROOT).endsWith(".parquet")) {
            Dataset<Row> df = spark.read().parquet(o.input);
            String col = o.column;
            if (col == null) {
                for (StructField f : df.schema().fields()) {
                    if (f.dataType() instanceof ArrayType
                            || f.dataType().typeName().equals("vector")) {
                        col = f.name();
                        break;
                    }
                }
            }
            if (col == null) {
                throw new IllegalArgumentException(
                        o.input + " has no array column: name the vector column with --column");
            }
            return df.withColumnRenamed(col, "vector");
        }
        Dataset<Row> df =
                spark.read().option("header", "true").option("inferSchema", "true").csv(o.input);
        List<Column> nums = new ArrayList<>();
        List<Column> ids = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            if (f.dataType() instanceof NumericType && !f.name().equalsIgnoreCase("id")) {
                nums.add(functions.col("`" + f.name() + "`").cast("float"));
            } else {
                ids.add(functions.col("`" + f.name() + "`"));
            }
        }
        if (nums.isEmpty()) {
            throw new IllegalArgumentException(
                    o.input
                            + ": no numeric columns: a CSV of vectors has a header and one column"
                            + " per feature");
        }
        ids.add(functions.array(nums.toArray(new Column[0])).as("vector"));
        return df.select(ids.toArray(new Column[0]));
    }

    /** An SAE or transcoder directory (its architecture.json's model_type), else a regression. */
    private static boolean isSae(ModelSource source) {
        try {
            Path dir = source.localDir();
            if (dir == null || !Files.isRegularFile(dir.resolve("architecture.json"))) {
                return false;
            }
            JsonNode arch = new ObjectMapper().readTree(dir.resolve("architecture.json").toFile());
            String type = arch.path("model_type").asText("");
            return type.contains("sae") || type.contains("transcoder");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spark writes a folder of part files: the one part is moved to the output file. */
    private static void write(Dataset<Row> out, Options o) throws IOException {
        Path tmp = o.output.resolveSibling(o.output.getFileName() + ".parts");
        deleteTree(tmp);
        var w = out.write().mode("overwrite");
        switch (o.format) {
            case "csv" -> w.option("header", "true").csv(tmp.toString());
            case "json" -> w.json(tmp.toString());
            default -> w.parquet(tmp.toString());
        }
        Path part = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, "part-*")) {
            for (Path p : ds) {
                part = p;
            }
        }
        if (part == null) {
            throw new IOException("Spark wrote no part file in " + tmp);
        }
        Files.move(part, o.output, StandardCopyOption.REPLACE_EXISTING);
        deleteTree(tmp);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Prints each completed stage: its tasks, time and the elapsed total. */
    private static final class Progress extends SparkListener {
        private final PrintStream out;
        private final long t0;

        Progress(PrintStream out, long t0) {
            this.out = out;
            this.t0 = t0;
        }

        @Override
        public void onStageCompleted(SparkListenerStageCompleted done) {
            StageInfo s = done.stageInfo();
            long ms =
                    s.completionTime().isDefined() && s.submissionTime().isDefined()
                            ? (Long) s.completionTime().get() - (Long) s.submissionTime().get()
                            : -1;
            out.printf(
                    Locale.ROOT,
                    "[spark] stage %d %s: %d tasks in %.1f s%s (%.1f s elapsed)%n",
                    s.stageId(),
                    s.failureReason().isDefined() ? "FAILED" : "done",
                    s.numTasks(),
                    ms / 1000.0,
                    s.name().isEmpty() ? "" : " [" + s.name().split(" at ")[0] + "]",
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
