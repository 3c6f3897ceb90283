package ai.mlpzoo.spark;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * An mlp-zoo model as a Spark ML {@link Transformer}, for pipelines: the same scoring as {@link
 * MlpZooSpark}, set by params.
 *
 * <pre>{@code
 * ZooModelTransformer t = new ZooModelTransformer()
 *         .setModel("mixer/fmnist").setTask("classify").setInputCol("content");
 * Dataset<Row> scored = t.transform(spark.read().format("binaryFile").load(dir));
 * }</pre>
 */
public class ZooModelTransformer extends Transformer {

    private static final long serialVersionUID = 1L;

    private final String uid;

    /** The model: {@code artifact[/variant]} or a model directory. */
    private final Param<String> model;

    /**
     * {@code classify} (images), {@code features} (SAE), {@code regress} (KAN), {@code embed}
     * (MiniLM) or {@code forecast} (nested windows).
     */
    private final Param<String> task;

    /** The input column. */
    private final Param<String> inputCol;

    /** {@code auto}, {@code PyTorch} or {@code OnnxRuntime}. */
    private final Param<String> engine;

    /** {@code fail} or {@code column}. */
    private final Param<String> onError;

    /** Rows per batchPredict call. */
    private final IntParam batchSize;

    /** Classes in {@code topk}. */
    private final IntParam topK;

    /** Creates it with a random uid. */
    public ZooModelTransformer() {
        this(Identifiable$.MODULE$.randomUID("mlpzoo"));
    }

    /**
     * @param uid its uid
     */
    public ZooModelTransformer(String uid) {
        this.uid = uid;
        model = new Param<>(this, "model", "zoo artifact[/variant] or model directory");
        task =
                new Param<>(
                        this,
                        "task",
                        "classify, features, regress, embed or forecast (windows as array<array<float>>)");
        inputCol = new Param<>(this, "inputCol", "the input column");
        engine = new Param<>(this, "engine", "auto, PyTorch or OnnxRuntime");
        onError = new Param<>(this, "onError", "fail or column");
        batchSize = new IntParam(this, "batchSize", "rows per batch", ParamValidators.gtEq(1));
        topK = new IntParam(this, "topK", "classes in topk", ParamValidators.gtEq(1));
        setDefault(task, "classify");
        setDefault(inputCol, "content");
        setDefault(engine, ModelSource.AUTO);
        setDefault(onError, "fail");
        setDefault(batchSize, 64);
        setDefault(topK, 5);
    }

    /**
     * @return the param {@code model} (Spark ML finds params by their public getters)
     */
    public Param<String> model() {
        return model;
    }

    /**
     * @return the param {@code task} (Spark ML finds params by their public getters)
     */
    public Param<String> task() {
        return task;
    }

    /**
     * @return the param {@code inputCol} (Spark ML finds params by their public getters)
     */
    public Param<String> inputCol() {
        return inputCol;
    }

    /**
     * @return the param {@code engine} (Spark ML finds params by their public getters)
     */
    public Param<String> engine() {
        return engine;
    }

    /**
     * @return the param {@code onError} (Spark ML finds params by their public getters)
     */
    public Param<String> onError() {
        return onError;
    }

    /**
     * @return the param {@code batchSize} (Spark ML finds params by their public getters)
     */
    public IntParam batchSize() {
        return batchSize;
    }

    /**
     * @return the param {@code topK} (Spark ML finds params by their public getters)
     */
    public IntParam topK() {
        return topK;
    }

    /**
     * @param v the model
     * @return this
     */
    public ZooModelTransformer setModel(String v) {
        set(model, v);
        return this;
    }

    /**
     * @param v the task
     * @return this
     */
    public ZooModelTransformer setTask(String v) {
        set(task, v);
        return this;
    }

    /**
     * @param v the input column
     * @return this
     */
    public ZooModelTransformer setInputCol(String v) {
        set(inputCol, v);
        return this;
    }

    /**
     * @param v the engine
     * @return this
     */
    public ZooModelTransformer setEngine(String v) {
        set(engine, v);
        return this;
    }

    /**
     * @param v fail or column
     * @return this
     */
    public ZooModelTransformer setOnError(String v) {
        set(onError, v);
        return this;
    }

    /**
     * @param v rows per batch
     * @return this
     */
    public ZooModelTransformer setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    /**
     * @param v classes in topk
     * @return this
     */
    public ZooModelTransformer setTopK(int v) {
        set(topK, v);
        return this;
    }

    private MlpZooSpark scoring() {
        if (!isDefined(model)) {
            throw new IllegalArgumentException(
                    "ZooModelTransformer: set the model (artifact[/variant] or a directory)");
        }
        return MlpZooSpark.model($(model))
                .engine($(engine))
                .onError(OnError.parse($(onError)))
                .batchSize((Integer) $(batchSize))
                .topK((Integer) $(topK));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Dataset<Row> transform(Dataset<?> dataset) {
        return scoring().run((Dataset<Row>) dataset.toDF(), $(task), $(inputCol));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return scoring().outputSchema(schema, $(task), $(inputCol));
    }

    @Override
    public ZooModelTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public String uid() {
        return uid;
    }
}
