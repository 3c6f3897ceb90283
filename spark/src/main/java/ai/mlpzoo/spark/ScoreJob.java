package ai.mlpzoo.spark;

import ai.djl.Application;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ForecastConfig;
import ai.mlpzoo.zoo.MlpZoo;
import ai.mlpzoo.zoo.ZooEntry;
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
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The batch job behind {@code mlpzoo spark-score} (and a main class for {@code spark-submit}):
 * scores a folder, glob or file of images (or a Parquet table of them), a Parquet or CSV file of
 * vectors, a text column (or a text file, one text a line) or a column of forecast windows, with
 * one model, and writes one CSV, JSON-lines or Parquet file. Images get {@code path, label,
 * probability} and the top k; vectors get an SAE's features or a regression's outputs; texts
 * MiniLM's {@code embedding}; windows a forecaster's {@code forecast}. Progress is printed as
 * Spark's stages complete.
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

        /**
         * A folder, glob or file of images; a .parquet table of images (binary {@code content},
         * string {@code path}); or a .parquet / .csv of vectors.
         */
        public String input;

        /** The file to write. */
        public Path output;

        /** csv, json or parquet. */
        public String format = "csv";

        /** Spark's master, when the job starts its own session. */
        public String master = "local[*]";

        /** auto, classify, features, regress, embed or forecast. */
        public String task = "auto";

        /**
         * The input column of a Parquet, CSV or JSON input: vectors and windows (default: the first
         * array column), texts (default: the first string column).
         */
        public String column;

        /** {steps, channels} of a flat window column (forecast), or null for nested windows. */
        public int[] windowShape;

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
                case "--window-shape" -> o.windowShape = parseWindowShape(v);
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

    /**
     * @param v {@code <steps>x<channels>}, such as {@code 512x7}
     * @return {steps, channels}
     */
    public static int[] parseWindowShape(String v) {
        String[] f = v.toLowerCase(Locale.ROOT).split("x");
        try {
            if (f.length == 2) {
                int[] shape = {Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim())};
                if (shape[0] > 0 && shape[1] > 0) {
                    return shape;
                }
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(
                "--window-shape is <steps>x<channels> of a flat window column, such as 512x7, got '"
                        + v
                        + "'");
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
        String imageColumn = imageTableColumn(spark, o);
        boolean vectors = imageColumn == null && isVectorFile(o.input);
        String task = task(o, scoring.source(), vectors);
        Dataset<Row> in;
        String column;
        switch (task) {
            case "embed" -> {
                in = readTexts(spark, o);
                column = textColumn(in, o);
            }
            case "forecast" -> {
                in = readWindows(spark, o);
                column = windowColumn(in, o);
                if (o.windowShape != null) {
                    scoring.windowShape(o.windowShape[0], o.windowShape[1]);
                }
            }
            case "features", "regress" -> {
                if (!vectors) {
                    throw new IllegalArgumentException(
                            "--task "
                                    + task
                                    + " takes a .parquet or .csv file of vectors as input");
                }
                in = readVectors(spark, o);
                column = "vector";
            }
            default -> {
                if (imageColumn != null) {
                    in = spark.read().parquet(o.input);
                    column = imageColumn;
                } else {
                    in = readImages(spark, o.input);
                    column = "content";
                }
            }
        }
        boolean tabular = !task.equals("classify");
        for (String id : List.of("id", LINE)) {
            if (tabular && List.of(in.columns()).contains(id)) {
                scoring.idColumn(id); // a bad row is named by it
                break;
            }
        }
        int parts = Math.max(o.partitions, spark.sparkContext().defaultParallelism());
        if (in.rdd().getNumPartitions() < parts) {
            in = in.repartition(parts);
        }
        Dataset<Row> scored = scoring.run(in, task, column);
        List<Column> keep = new ArrayList<>();
        boolean csv = o.format.equals("csv");
        if (tabular) {
            for (String c : in.columns()) {
                // a text identifies its row and stays; vectors and windows are inputs only
                if (!c.equals(column) || task.equals("embed")) {
                    keep.add(functions.col("`" + c + "`"));
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
            case "embed" ->
                    keep.add(
                            csv
                                    ? functions.expr("array_join(embedding, ' ')").as("embedding")
                                    : functions.col("embedding"));
            case "forecast" ->
                    // CSV: steps separated by ';', a step's channels by ' '
                    keep.add(
                            csv
                                    ? functions
                                            .expr(
                                                    "array_join(transform(forecast, s ->"
                                                            + " array_join(s, ' ')), ';')")
                                            .as("forecast")
                                    : functions.col("forecast"));
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

    private static final String FORECASTING = Application.TimeSeries.FORECASTING.getPath();
    private static final String TEXT = "text";
    private static final String LINE = "line";

    /**
     * The task: {@code --task}, or for {@code auto} by the model (MiniLM embeds, the time-series
     * forecasters forecast) and then by the input (vectors: an SAE's features or a regression; else
     * images).
     */
    private static String task(Options o, ModelSource source, boolean vectors) throws IOException {
        String task = o.task.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "classify", "features", "regress", "embed", "forecast")
                .contains(task)) {
            throw new IllegalArgumentException(
                    "--task must be auto, classify, features, regress, embed or forecast, got '"
                            + o.task
                            + "'");
        }
        if (!task.equals("auto")) {
            if (task.equals("classify") && vectors) {
                throw new IllegalArgumentException("--task classify takes images, not " + o.input);
            }
            return task;
        }
        String kind = modelKind(source);
        if (kind != null) {
            return kind;
        }
        if (vectors) {
            return isSae(source) ? "features" : "regress";
        }
        return "classify";
    }

    /**
     * {@code embed} for MiniLM ({@code minilm[/variant]}), {@code forecast} for a time-series
     * forecaster (a zoo artifact whose application is time-series forecasting, or a directory whose
     * architecture.json is a {@link ForecastConfig}), else null.
     */
    private static String modelKind(ModelSource source) throws IOException {
        Path dir;
        try {
            dir = source.localDir();
        } catch (NoSuchFileException onlyOnTheExecutors) {
            return null; // a directory the driver does not see: --task names what it does
        }
        if (dir == null) { // a zoo artifact[/variant]: the zoo's index says what it is
            String artifact = source.ref().split("/")[0].toLowerCase(Locale.ROOT);
            if (artifact.equals("minilm")) { // in the nlp module's zoo, not MlpZoo's index
                return "embed";
            }
            for (ZooEntry e : MlpZoo.entries()) {
                if (e.artifactId().equals(artifact) && e.application().equals(FORECASTING)) {
                    return "forecast";
                }
            }
            return null;
        }
        Path arch = dir.resolve("architecture.json");
        if (!Files.isRegularFile(arch)) {
            return null;
        }
        String type = new ObjectMapper().readTree(arch.toFile()).path("model_type").asText("");
        if (type.equals("minilm")) {
            return "embed";
        }
        try {
            // every forecaster's config is a ForecastConfig: no list of names to keep up to date
            return Configs.read(Files.readAllBytes(arch), arch.toString()) instanceof ForecastConfig
                    ? "forecast"
                    : null;
        } catch (IllegalArgumentException notAConfigWeKnow) {
            return null; // the loader says what is wrong with it when the job starts
        }
    }

    /**
     * Texts: a {@code .txt} file (one text a line, as column {@code text}, numbered from 1 in
     * column {@code line}), or a {@code .csv} (with a header), {@code .parquet} or {@code .json}
     * (one object a line) file.
     */
    private static Dataset<Row> readTexts(SparkSession spark, Options o) throws IOException {
        if (!Files.exists(Paths.get(o.input))) {
            throw new NoSuchFileException(o.input, null, "no such file");
        }
        String l = o.input.toLowerCase(Locale.ROOT);
        if (l.endsWith(".txt")) {
            JavaRDD<Row> lines =
                    spark.read()
                            .textFile(o.input)
                            .javaRDD()
                            .zipWithIndex()
                            .map(t -> RowFactory.create(t._2() + 1, t._1()));
            StructType schema =
                    new StructType()
                            .add(LINE, DataTypes.LongType, false)
                            .add(TEXT, DataTypes.StringType, true);
            return spark.createDataFrame(lines, schema);
        }
        return readTable(spark, o, "texts");
    }

    /** {@code --column}, by default the first string column. */
    private static String textColumn(Dataset<Row> df, Options o) {
        if (o.column != null) {
            return checkColumn(df, o);
        }
        for (StructField f : df.schema().fields()) {
            if (f.dataType() instanceof StringType) {
                return f.name();
            }
        }
        throw new IllegalArgumentException(
                o.input + " has no string column: name the text column with --column");
    }

    /** {@code --column}, by default the first array column. */
    private static String windowColumn(Dataset<Row> df, Options o) {
        if (o.column != null) {
            return checkColumn(df, o);
        }
        for (StructField f : df.schema().fields()) {
            if (f.dataType() instanceof ArrayType) {
                return f.name();
            }
        }
        throw new IllegalArgumentException(
                o.input + " has no array column: name the window column with --column");
    }

    private static String checkColumn(Dataset<Row> df, Options o) {
        if (!List.of(df.columns()).contains(o.column)) {
            throw new IllegalArgumentException(
                    o.input
                            + " has no column '"
                            + o.column
                            + "' (columns: "
                            + String.join(", ", df.columns())
                            + "): fix --column");
        }
        return o.column;
    }

    /**
     * Forecast windows: a {@code .parquet} or {@code .json} (one object a line) file whose window
     * column is array&lt;array&lt;float or double&gt;&gt; (steps x channels), or a flat array with
     * {@code --window-shape}.
     */
    private static Dataset<Row> readWindows(SparkSession spark, Options o) throws IOException {
        if (!Files.exists(Paths.get(o.input))) {
            throw new NoSuchFileException(o.input, null, "no such file");
        }
        if (o.input.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new IllegalArgumentException(
                    o.input
                            + ": a CSV cannot hold windows: give a .parquet or .json file with a"
                            + " column of windows (steps x channels)");
        }
        return readTable(spark, o, "windows");
    }

    private static Dataset<Row> readTable(SparkSession spark, Options o, String what) {
        String l = o.input.toLowerCase(Locale.ROOT);
        if (l.endsWith(".parquet")) {
            return spark.read().parquet(o.input);
        }
        if (l.endsWith(".json") || l.endsWith(".jsonl")) {
            return spark.read().json(o.input);
        }
        if (l.endsWith(".csv") && what.equals("texts")) {
            return spark.read()
                    .option("header", "true")
                    .option("inferSchema", "true")
                    .option("multiLine", "true")
                    .csv(o.input);
        }
        throw new IllegalArgumentException(
                o.input
                        + ": "
                        + what
                        + " come from a "
                        + (what.equals("texts") ? ".txt, .csv, " : "")
                        + ".parquet or .json (one object a line) file");
    }

    /**
     * The image column of a Parquet table of encoded images (binaryFile's {@code path, content}
     * written to Parquet: one file read per partition instead of a file-system round trip per
     * image), or null when the input is not such a table: a binary column named {@code --column},
     * else {@code content}. Such a table needs a string {@code path} naming each image.
     */
    private static String imageTableColumn(SparkSession spark, Options o) throws IOException {
        if (!o.input.toLowerCase(Locale.ROOT).endsWith(".parquet")) {
            return null;
        }
        if (!Files.exists(Paths.get(o.input))) {
            throw new NoSuchFileException(o.input, null, "no such file");
        }
        StructType schema = spark.read().parquet(o.input).schema();
        String col = o.column != null ? o.column : "content";
        if (schema.getFieldIndex(col).isEmpty()
                || !(schema.apply(col).dataType() instanceof BinaryType)) {
            return null;
        }
        if (schema.getFieldIndex("path").isEmpty()
                || !(schema.apply("path").dataType() instanceof StringType)) {
            throw new IllegalArgumentException(
                    o.input
                            + " holds images in binary column '"
                            + col
                            + "' but no string column 'path' to name them (columns: "
                            + String.join(", ", schema.fieldNames())
                            + "): write the binaryFile source's path and content");
        }
        return col;
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
