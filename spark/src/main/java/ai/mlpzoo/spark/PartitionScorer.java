package ai.mlpzoo.spark;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Runs one partition through the model: the model comes from this JVM's {@link ModelCache}, the
 * task borrows its own predictor, and rows go through {@code batchPredict} {@code batchSize} at a
 * time, lazily (a partition is never held in memory). Each output row is the input row with the
 * model's columns appended (and {@code error} under {@link OnError#COLUMN}).
 *
 * <p>A row that cannot be read is bad before it reaches the model. When a batch fails inside the
 * model (a translator's check), its rows are run again one at a time, so that the failure is pinned
 * on its row and the good rows of the batch still get their answers.
 */
final class PartitionScorer<I, O> implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** The column that holds a bad row's message under {@link OnError#COLUMN}. */
    static final String ERROR = "error";

    private final ModelSource source;
    private final Class<I> inType;
    private final Class<O> outType;
    private final RowInput<I> input;
    private final RowOutput<O> output;
    private final int batchSize;
    private final OnError onError;
    private final Class<?> modelOutType;
    private final Predictors<I, O> predictors;

    /**
     * How a task gets its predictor from the shared model, when not with the model's own translator
     * (activation capture).
     */
    interface Predictors<I, O> extends java.io.Serializable {
        /**
         * @param model the model of this JVM's cache
         * @return a predictor of the running task, closed when it completes
         */
        Predictor<I, O> borrow(ZooModel<?, ?> model);
    }

    PartitionScorer(
            ModelSource source,
            Class<I> inType,
            Class<O> outType,
            RowInput<I> input,
            RowOutput<O> output,
            int batchSize,
            OnError onError) {
        this(source, inType, outType, input, output, batchSize, onError, outType, null);
    }

    /**
     * @param modelOutType the output type the model is cached (loaded) with
     * @param predictors how a task borrows its predictor from that model
     */
    PartitionScorer(
            ModelSource source,
            Class<I> inType,
            Class<O> outType,
            RowInput<I> input,
            RowOutput<O> output,
            int batchSize,
            OnError onError,
            Class<?> modelOutType,
            Predictors<I, O> predictors) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.source = source;
        this.inType = inType;
        this.outType = outType;
        this.input = input;
        this.output = output;
        this.batchSize = batchSize;
        this.onError = onError;
        this.modelOutType = modelOutType;
        this.predictors = predictors;
    }

    /**
     * @return the policy for bad rows
     */
    OnError onError() {
        return onError;
    }

    /**
     * @param in the input schema
     * @return the output schema: the input's columns, the model's, and {@code error} when kept
     */
    StructType outputSchema(StructType in) {
        input.checkSchema(in);
        StructType out = in;
        for (StructField f : output.fields()) {
            if (in.getFieldIndex(f.name()).isDefined()) {
                throw new IllegalArgumentException(
                        "the input already has a column '"
                                + f.name()
                                + "': rename or drop it before scoring");
            }
            out = out.add(f);
        }
        if (onError == OnError.COLUMN) {
            if (in.getFieldIndex(ERROR).isDefined()) {
                throw new IllegalArgumentException(
                        "the input already has a column 'error': rename or drop it");
            }
            out = out.add(ERROR, DataTypes.StringType, true);
        }
        return out;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows; // an empty partition loads nothing
        }
        ZooModel<?, ?> model = ModelCache.get(source, inType, modelOutType);
        input.prepare(model);
        @SuppressWarnings("unchecked")
        Predictor<I, O> predictor =
                predictors == null
                        ? ModelCache.borrow((ZooModel<I, O>) model)
                        : predictors.borrow(model);
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        return new Iterator<>() {
            private final List<Row> pending = new ArrayList<>();
            private int next;
            private long index;

            @Override
            public boolean hasNext() {
                if (next < pending.size()) {
                    return true;
                }
                pending.clear();
                next = 0;
                if (!rows.hasNext()) {
                    if (task == null) {
                        predictor.close(); // outside Spark's tasks nobody else will
                    }
                    return false;
                }
                fill();
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.get(next++);
            }

            private void fill() {
                List<Row> batch = new ArrayList<>(batchSize);
                List<String> names = new ArrayList<>(batchSize);
                List<I> inputs = new ArrayList<>(batchSize);
                List<Integer> where = new ArrayList<>(batchSize);
                String[] errors = new String[batchSize];
                while (batch.size() < batchSize && rows.hasNext()) {
                    Row row = rows.next();
                    int i = batch.size();
                    batch.add(row);
                    names.add(input.describe(row, partition, index++));
                    try {
                        inputs.add(input.read(row));
                        where.add(i);
                    } catch (RuntimeException e) {
                        // the reader's own message says it all (the cause is a detail)
                        errors[i] = bad(names.get(i), message(e), e);
                    }
                }
                Object[][] values = new Object[batch.size()][];
                if (!inputs.isEmpty()) {
                    List<O> outs = null;
                    try {
                        outs = predictor.batchPredict(inputs);
                    } catch (Exception batchFailed) {
                        if (inputs.size() == 1) {
                            errors[where.get(0)] =
                                    bad(names.get(where.get(0)), reason(batchFailed), batchFailed);
                        }
                        // else: one at a time below, to pin the failure on its row
                    }
                    for (int j = 0; j < inputs.size(); j++) {
                        int i = where.get(j);
                        if (errors[i] != null) {
                            continue;
                        }
                        try {
                            O out = outs != null ? outs.get(j) : predictor.predict(inputs.get(j));
                            values[i] = output.values(out);
                        } catch (Exception e) {
                            errors[i] = bad(names.get(i), reason(e), e);
                        }
                    }
                }
                int nOut = output.fields().length;
                for (int i = 0; i < batch.size(); i++) {
                    Row row = batch.get(i);
                    int extra = nOut + (onError == OnError.COLUMN ? 1 : 0);
                    Object[] all = new Object[row.size() + extra];
                    for (int c = 0; c < row.size(); c++) {
                        all[c] = row.get(c);
                    }
                    if (values[i] != null) {
                        System.arraycopy(values[i], 0, all, row.size(), nOut);
                    }
                    if (onError == OnError.COLUMN) {
                        all[row.size() + nOut] = errors[i];
                    }
                    pending.add(RowFactory.create(all));
                }
            }
        };
    }

    /** The message of a bad row; under FAIL it stops the task (and so the job) here. */
    private String bad(String row, String reason, Throwable e) {
        if (onError == OnError.FAIL) {
            throw new BadRowException(row, reason, e);
        }
        return row + ": " + reason;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The innermost message: DJL wraps a translator's check in TranslateException. */
    private static String reason(Throwable e) {
        Throwable t = e;
        String msg = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                msg = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        return msg != null ? msg : e.getClass().getSimpleName();
    }
}
