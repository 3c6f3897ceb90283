package ai.mlpzoo.spark;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.capture.ActivationStoreWriter;
import ai.mlpzoo.nlp.SentenceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * One task of an activation capture: runs its partition's texts through MiniLM (the model of this
 * JVM's {@link ModelCache}, a predictor of the task's own, batches, bad rows: {@link
 * PartitionScorer}) and streams the hook point's rows into an activation store of its own, in a
 * folder named by the partition and the task attempt ({@code _attempts/part-00003-attempt-17}): no
 * two tasks, not even two attempts of one partition, ever write one file. It returns one summary
 * row; the driver promotes the folders of the attempts whose results it accepted and combines them
 * ({@link CaptureJob}).
 */
final class CapturePartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** The summary row of a task. */
    static final StructType SUMMARY =
            new StructType()
                    .add("partition", DataTypes.IntegerType, false)
                    .add("folder", DataTypes.StringType, true)
                    .add("texts", DataTypes.LongType, false)
                    .add("rows", DataTypes.LongType, false)
                    .add("bad", DataTypes.LongType, false)
                    .add("messages", DataTypes.StringType, true);

    /** Where the attempts write, under the output folder. */
    static final String ATTEMPTS = "_attempts";

    private static final int MESSAGES = 20;

    private final PartitionScorer<String, float[][]> scorer;
    private final int inputWidth;
    private final String out;
    private final String hook;
    private final int rowsPerShard;
    private final Map<String, String> metadata;

    CapturePartition(
            PartitionScorer<String, float[][]> scorer,
            int inputWidth,
            String out,
            String hook,
            int rowsPerShard,
            Map<String, String> metadata) {
        this.scorer = scorer;
        this.inputWidth = inputWidth;
        this.out = out;
        this.hook = hook;
        this.rowsPerShard = rowsPerShard;
        this.metadata = new LinkedHashMap<>(metadata);
    }

    /**
     * The predictors of a capture: MiniLM's block with a {@link HookTap} on the hook point and a
     * tokenizer of the task's own, released when the task completes.
     */
    static PartitionScorer.Predictors<String, float[][]> predictors(String ref, String hook) {
        return model -> borrow(model, ref, hook);
    }

    private static Predictor<String, float[][]> borrow(
            ZooModel<?, ?> model, String ref, String hook) {
        if (!(model.getBlock() instanceof BertEncoder)) {
            throw new IllegalArgumentException(
                    ref
                            + " is not a BERT text encoder on the DJL engine (got "
                            + (model.getBlock() == null
                                    ? "no block"
                                    : model.getBlock().getClass().getSimpleName())
                            + "): capture a text column with minilm on engine PyTorch");
        }
        HookTap tap = HookTap.open(model.getBlock(), hook);
        SentenceTokenizer tokenizer;
        try {
            tokenizer = SentenceTokenizer.miniLm();
        } catch (IOException e) {
            tap.release();
            throw new UncheckedIOException(e);
        }
        Predictor<String, float[][]> p =
                ModelCache.borrow(model, new CaptureTranslator(tokenizer, tap));
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener(
                    (TaskCompletionListener)
                            ctx -> {
                                tokenizer.close();
                                tap.release();
                            });
        }
        return p;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws IOException {
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        long attempt = task == null ? 0 : task.taskAttemptId();
        String name = String.format("part-%05d-attempt-%d", partition, attempt);
        Path dir = Paths.get(out).resolve(ATTEMPTS).resolve(name);
        Iterator<Row> scored = scorer.call(rows);
        boolean column = scorer.onError() == OnError.COLUMN;
        ActivationStoreWriter writer = null;
        long texts = 0;
        long written = 0;
        long bad = 0;
        List<String> messages = new ArrayList<>();
        try {
            while (scored.hasNext()) {
                Row r = scored.next();
                texts++;
                String error = column ? r.getString(inputWidth + 1) : null;
                if (error != null) {
                    bad++;
                    if (messages.size() < MESSAGES) {
                        messages.add(error);
                    }
                    continue;
                }
                float[][] tokens = (float[][]) r.get(inputWidth); // (tokens, width)
                int width = tokens[0].length;
                if (writer == null) {
                    Map<String, String> meta = new LinkedHashMap<>(metadata);
                    meta.put("partition", Integer.toString(partition));
                    writer = new ActivationStoreWriter(dir, hook, width, 0, rowsPerShard, meta);
                }
                float[] flat = new float[tokens.length * width];
                for (int t = 0; t < tokens.length; t++) {
                    System.arraycopy(tokens[t], 0, flat, t * width, width);
                }
                writer.add(flat, null, tokens.length);
                written += tokens.length;
            }
        } finally {
            if (writer != null) {
                writer.close(); // a failed attempt's folder is never promoted
            }
        }
        Row summary =
                RowFactory.create(
                        partition,
                        writer == null ? null : name,
                        texts,
                        written,
                        bad,
                        messages.isEmpty() ? null : String.join("\n", messages));
        return List.of(summary).iterator();
    }
}
