package ai.mlpzoo.spark;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.mlpzoo.translate.SparseFeatures;
import java.io.Serializable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * mlp-zoo models over Spark DataFrames, as plain functions:
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("/data/pngs");
 * Dataset<Row> scored = MlpZooSpark.model("mixer/fmnist").batchSize(64).classifyImages(images);
 * // + label, probability, topk (array of label, probability)
 *
 * Dataset<Row> feats = MlpZooSpark.model("/models/sae").saeFeatures(acts, "activation");
 * // + features: struct of indices (int[]), values (float[]), width
 * }</pre>
 *
 * Each executor JVM loads the model once ({@link ModelCache}); each task borrows its own predictor,
 * closed when the task completes; rows go through {@code batchPredict} {@link #batchSize} at a
 * time. Bad rows follow {@link #onError}: the job fails naming the file or row (default), or the
 * row is kept with null outputs and its message in column {@code error}. {@link
 * ZooModelTransformer} is the same as a Spark ML {@code Transformer}.
 */
public final class MlpZooSpark implements Serializable {

    private static final long serialVersionUID = 1L;

    private ModelSource source;
    private int batchSize = 64;
    private OnError onError = OnError.FAIL;
    private int topK = 5;
    private boolean dense;
    private String idColumn;
    private String outputColumn;
    private int[] windowShape;
    private int rowsPerShard = 16384;

    private MlpZooSpark(ModelSource source) {
        this.source = source;
    }

    /**
     * @param ref a zoo artifact ({@code artifact[/variant]}, e.g. {@code mixer/fmnist}) or a model
     *     directory (on every executor, or shipped with {@code --files})
     * @return the scoring of that model, with the defaults (engine auto, batch 64, fail on a bad
     *     row, top 5)
     */
    public static MlpZooSpark model(String ref) {
        return new MlpZooSpark(ModelSource.of(ref));
    }

    /**
     * @param source the model, engine and threads
     * @return the scoring of that model
     */
    public static MlpZooSpark model(ModelSource source) {
        return new MlpZooSpark(source);
    }

    /**
     * @param engine {@code auto} (ONNX Runtime where the model ships model.onnx, else PyTorch),
     *     {@code PyTorch} or {@code OnnxRuntime}
     * @return this
     */
    public MlpZooSpark engine(String engine) {
        source = source.withEngine(engine);
        return this;
    }

    /**
     * @param threads engine threads per task (default 1: Spark runs a task per core)
     * @return this
     */
    public MlpZooSpark threads(int threads) {
        source = source.withThreads(threads);
        return this;
    }

    /**
     * @param n rows per {@code batchPredict} call (default 64)
     * @return this
     */
    public MlpZooSpark batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + n);
        }
        batchSize = n;
        return this;
    }

    /**
     * @param policy what a bad row does
     * @return this
     */
    public MlpZooSpark onError(OnError policy) {
        onError = policy;
        return this;
    }

    /**
     * @param k classes in column {@code topk} (default 5)
     * @return this
     */
    public MlpZooSpark topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("topK must be >= 1, got " + k);
        }
        topK = k;
        return this;
    }

    /**
     * @param denseOutput SAE features as a dense array&lt;float&gt; of all d_sae latents instead of
     *     the struct of active indices and values
     * @return this
     */
    public MlpZooSpark dense(boolean denseOutput) {
        dense = denseOutput;
        return this;
    }

    /**
     * @param column a column that names each vector row in messages (else its position)
     * @return this
     */
    public MlpZooSpark idColumn(String column) {
        idColumn = column;
        return this;
    }

    /**
     * @param column the name of the output column of {@link #saeFeatures} ({@code features}) and
     *     {@link #regress} ({@code prediction})
     * @return this
     */
    public MlpZooSpark outputColumn(String column) {
        outputColumn = column;
        return this;
    }

    /**
     * @param steps the steps of each window of a flat window column
     * @param channels its channels: the flat array holds steps x channels values, row-major
     * @return this
     */
    public MlpZooSpark windowShape(int steps, int channels) {
        if (steps < 1 || channels < 1) {
            throw new IllegalArgumentException(
                    "windowShape needs positive steps and channels, got ("
                            + steps
                            + ", "
                            + channels
                            + ")");
        }
        windowShape = new int[] {steps, channels};
        return this;
    }

    /**
     * @param n activation rows per shard file of {@link #captureActivations} (default 16384)
     * @return this
     */
    public MlpZooSpark rowsPerShard(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("rowsPerShard must be >= 1, got " + n);
        }
        rowsPerShard = n;
        return this;
    }

    /**
     * @return the model
     */
    public ModelSource source() {
        return source;
    }

    /**
     * Classifies images: the {@code content} column of {@code spark.read().format("binaryFile")} or
     * the {@code image} column of {@code format("image")}.
     *
     * @param images the DataFrame
     * @return it with {@code label}, {@code probability} and {@code topk} (array of {@code label,
     *     probability}) appended (and {@code error} under {@link OnError#COLUMN})
     */
    public Dataset<Row> classifyImages(Dataset<Row> images) {
        String col =
                images.schema().getFieldIndex("content").isDefined()
                        ? "content"
                        : images.schema().getFieldIndex("image").isDefined() ? "image" : "content";
        return classifyImages(images, col);
    }

    /**
     * @param images the DataFrame
     * @param column the column of encoded images (binary) or image-source structs
     * @return it with {@code label}, {@code probability} and {@code topk} appended
     */
    public Dataset<Row> classifyImages(Dataset<Row> images, String column) {
        return run(images, "classify", column);
    }

    /**
     * A sparse autoencoder's (or transcoder's) features of a vector column.
     *
     * @param df the DataFrame
     * @param vectorColumn array&lt;float&gt;, array&lt;double&gt; or a Spark ML vector, of the
     *     SAE's d_in
     * @return it with {@code features} appended: a struct of {@code indices} (ascending), {@code
     *     values} and {@code width}, or with {@link #dense(boolean)} an array of all latents
     */
    public Dataset<Row> saeFeatures(Dataset<Row> df, String vectorColumn) {
        return run(df, "features", vectorColumn);
    }

    /**
     * A vector model's outputs (KAN regression): array&lt;float&gt;.
     *
     * @param df the DataFrame
     * @param vectorColumn the inputs, of the model's width
     * @return it with {@code prediction} appended
     */
    public Dataset<Row> regress(Dataset<Row> df, String vectorColumn) {
        return run(df, "regress", vectorColumn);
    }

    /**
     * MiniLM sentence embeddings of a text column ({@code minilm}): 384 floats of unit length, as
     * the single-JVM {@code Predictor<String, float[]>} gives. A null or empty text is a bad row; a
     * text longer than 256 tokens is truncated as sentence-transformers does.
     *
     * @param df the DataFrame
     * @param textColumn a string column
     * @return it with {@code embedding} (array&lt;float&gt;) appended
     */
    public Dataset<Row> embed(Dataset<Row> df, String textColumn) {
        return run(df, "embed", textColumn);
    }

    /**
     * Forecasts of a column of windows by a zoo forecaster that reads no timestamps ({@code
     * tsmixer/etth1_h96}, or a model directory), in the data's own units, as the single-JVM {@code
     * Predictor<float[][], float[][]>} gives.
     *
     * @param df the DataFrame
     * @param windowColumn array&lt;array&lt;float|double&gt;&gt; (steps x channels), or a flat
     *     array with {@link #windowShape}
     * @return it with {@code forecast} (array&lt;array&lt;float&gt;&gt;, horizon x channels)
     *     appended
     */
    public Dataset<Row> forecast(Dataset<Row> df, String windowColumn) {
        return run(df, "forecast", windowColumn);
    }

    /**
     * Captures a hook point of MiniLM over a text column into an activation store that {@code
     * mlpzoo train-sae --activations <out>} reads: a row per real token ([CLS] and [SEP] included,
     * padding dropped), as {@code mlpzoo capture} writes. Each task writes a store of its own; the
     * driver keeps one per partition and writes the combined manifest last ({@link CaptureJob}).
     * Runs on PyTorch (the DJL blocks carry the hook points); {@code out} must be a folder that the
     * driver and every executor see (local mode, or a shared mount), new or empty.
     *
     * @param df the DataFrame
     * @param textColumn a string column
     * @param hook the hook point, such as {@code blocks.3.hook_resid_post}
     * @param out the store's folder
     * @return what was written; under {@link OnError#COLUMN} the bad rows are skipped and counted
     */
    public CaptureResult captureActivations(
            Dataset<Row> df, String textColumn, String hook, java.nio.file.Path out) {
        if (hook == null || hook.isBlank()) {
            throw new IllegalArgumentException(
                    "name a hook point, such as blocks.3.hook_resid_post");
        }
        ModelSource src = source;
        if (ModelSource.AUTO.equalsIgnoreCase(src.engine())) {
            src = src.withEngine("PyTorch");
        } else if (!"PyTorch".equals(src.engine())) {
            throw new IllegalArgumentException(
                    "activation capture runs the DJL blocks, which carry the hook points: engine"
                            + " PyTorch (or auto), not "
                            + src.engine());
        }
        PartitionScorer<String, float[][]> scorer =
                new PartitionScorer<>(
                        src,
                        String.class,
                        float[][].class,
                        new TextInput(textColumn, idColumn),
                        new CaptureJob.TokenRows(),
                        batchSize,
                        onError,
                        float[].class, // the same cached model as embed on PyTorch
                        CapturePartition.predictors(src.ref(), hook));
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put("model", src.ref());
        meta.put("hook", hook);
        meta.put("engine", "PyTorch");
        meta.put("max_length", "256");
        meta.put("written_by", "mlpzoo-spark");
        return CaptureJob.run(df, scorer, out, hook, rowsPerShard, meta);
    }

    /**
     * @param in an input schema
     * @param task {@code classify}, {@code features}, {@code regress}, {@code embed} or {@code
     *     forecast}
     * @param inputColumn the input column
     * @return the output schema of that task
     */
    StructType outputSchema(StructType in, String task, String inputColumn) {
        return scorer(task, inputColumn).outputSchema(in);
    }

    PartitionScorer<?, ?> scorer(String task, String inputColumn) {
        switch (task) {
            case "classify":
                return new PartitionScorer<>(
                        source.withArgument("topK", topK),
                        Image.class,
                        Classifications.class,
                        new ImageInput(inputColumn),
                        new Outputs.Classes(topK),
                        batchSize,
                        onError);
            case "features":
                return new PartitionScorer<>(
                        source,
                        float[].class,
                        SparseFeatures.class,
                        new VectorInput(inputColumn, idColumn),
                        new Outputs.Features(
                                outputColumn == null ? "features" : outputColumn, dense),
                        batchSize,
                        onError);
            case "regress":
                return new PartitionScorer<>(
                        source,
                        float[].class,
                        float[].class,
                        new VectorInput(inputColumn, idColumn),
                        new Outputs.Regression(outputColumn == null ? "prediction" : outputColumn),
                        batchSize,
                        onError);
            case "embed":
                return new PartitionScorer<>(
                        source,
                        String.class,
                        float[].class,
                        new TextInput(inputColumn, idColumn),
                        new Outputs.Embedding(outputColumn == null ? "embedding" : outputColumn),
                        batchSize,
                        onError);
            case "forecast":
                return new PartitionScorer<>(
                        source,
                        float[][].class,
                        float[][].class,
                        new WindowInput(inputColumn, idColumn, windowShape),
                        new Outputs.Forecasts(outputColumn == null ? "forecast" : outputColumn),
                        batchSize,
                        onError);
            default:
                throw new IllegalArgumentException(
                        "task must be classify, features, regress, embed or forecast, got '"
                                + task
                                + "'");
        }
    }

    /**
     * @param df the DataFrame
     * @param task {@code classify}, {@code features}, {@code regress}, {@code embed} or {@code
     *     forecast}
     * @param inputColumn the input column
     * @return the scored DataFrame
     */
    Dataset<Row> run(Dataset<Row> df, String task, String inputColumn) {
        return run(df, scorer(task, inputColumn));
    }

    private static Dataset<Row> run(Dataset<Row> df, PartitionScorer<?, ?> scorer) {
        StructType out = scorer.outputSchema(df.schema()); // checks the columns on the driver
        return df.mapPartitions(scorer, Encoders.row(out));
    }
}
