package ai.mlpzoo.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlpzoo spark-score <model> --input <folder, glob or file> --output <file> --format
 * csv|json|parquet}: a local Spark session ({@code --master local[*]} by default, any master
 * accepted) scores images, a Parquet or CSV file of vectors, texts (MiniLM embeddings of a text
 * file or a text column) or a column of windows (forecasts) with mlpzoo-spark's {@code ScoreJob}.
 * Spark's jars are not on the other commands' class path: {@code ./mlpzoo} adds {@code
 * cli/target/spark-lib} and Spark's {@code --add-opens} flags for this command only
 * (docs/spark.md).
 */
@Command(
        name = "spark-score",
        mixinStandardHelpOptions = true,
        description =
                "Score a folder of images, a .parquet/.csv of vectors, texts (MiniLM embeddings) or"
                        + " windows (forecasts) on Apache Spark, one file out.")
final class SparkScoreCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "<model>",
            description =
                    "a zoo artifact as artifact[/variant] (variant defaults to fmnist), or a model directory")
    String model;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "<in>",
            description =
                    "a folder of images, a glob, an image, a .parquet table of images (binary"
                            + " 'content', string 'path'), a .parquet / .csv of vectors, texts (.txt,"
                            + " one a line, or a .csv / .parquet / .json column) or windows (a"
                            + " .parquet / .json column)")
    String input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "<file>",
            description = "file to write")
    Path output;

    @Option(
            names = "--format",
            defaultValue = "csv",
            description = "csv, json (one object per line) or parquet (default: ${DEFAULT-VALUE})")
    String format;

    @Option(
            names = "--master",
            defaultValue = "local[*]",
            description = "Spark master (default: ${DEFAULT-VALUE})")
    String master;

    @Option(
            names = "--task",
            defaultValue = "auto",
            description =
                    "classify (images), features (SAE), regress, embed (minilm) or forecast"
                            + " (tsmixer); auto: embed for minilm, forecast for a time-series"
                            + " forecaster, classify for images, features for an SAE directory, else"
                            + " regress (default: ${DEFAULT-VALUE})")
    String task;

    @Option(
            names = "--column",
            description =
                    "the input column of a .parquet / .csv / .json input (default: its first array"
                            + " column; for texts its first string column; for a table of images"
                            + " 'content')")
    String column;

    @Option(
            names = "--window-shape",
            paramLabel = "<steps>x<channels>",
            description = "forecast: the shape of a flat window column, such as 512x7")
    String windowShape;

    @Option(
            names = "--engine",
            defaultValue = "auto",
            description =
                    "auto (ONNX Runtime when the model ships model.onnx, else PyTorch), PyTorch or"
                            + " OnnxRuntime (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(
            names = "--batch-size",
            defaultValue = "64",
            description = "rows per batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--top-k",
            defaultValue = "5",
            description = "classes in column topk (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(
            names = "--on-error",
            defaultValue = "fail",
            description =
                    "fail: stop at the first bad row, naming it; column: keep going, bad rows get an"
                            + " 'error' (default: ${DEFAULT-VALUE})")
    String onError;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "partitions to score in (default: Spark's default parallelism)")
    int partitions;

    @Option(names = "--force", description = "replace the output file if it exists")
    boolean force;

    @Override
    public Integer call() throws Exception {
        try {
            Class.forName("org.apache.spark.sql.SparkSession");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "Spark is not on the class path: run this command through ./mlpzoo, which adds"
                            + " cli/target/spark-lib (built by ./mvnw install) and Spark's"
                            + " --add-opens flags");
        }
        ai.mlpzoo.spark.ScoreJob.Options o = new ai.mlpzoo.spark.ScoreJob.Options();
        o.model = model;
        o.input = input;
        o.output = output;
        o.format = format;
        o.master = master;
        o.task = task;
        o.column = column;
        o.windowShape =
                windowShape == null ? null : ai.mlpzoo.spark.ScoreJob.parseWindowShape(windowShape);
        o.engine = engine;
        o.batchSize = batchSize;
        o.topK = topK;
        o.onError = ai.mlpzoo.spark.OnError.parse(onError);
        o.partitions = partitions;
        o.force = force;
        try {
            ai.mlpzoo.spark.ScoreJob.runLocal(o, System.err);
        } catch (RuntimeException e) {
            // Spark wraps a bad row in its job-abort message: the row's own message is the answer
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ai.mlpzoo.spark.BadRowException) {
                    throw new IllegalArgumentException(t.getMessage(), t);
                }
            }
            throw e;
        }
        return 0;
    }
}
