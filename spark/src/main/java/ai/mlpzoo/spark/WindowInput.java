package ai.mlpzoo.spark;

import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.translate.ModelInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructType;

/**
 * Forecast windows, steps x channels in the data's own units, from an array&lt;array&lt;float or
 * double&gt;&gt; column (one inner array per step) or from a flat array&lt;float or double&gt; with
 * a declared shape (steps, channels), row-major. Checked against what the forecaster reads (its
 * metadata's {@code input_size} [context, channels]): a null, a ragged window, another channel
 * count, fewer steps than the context, a flat array of another length, or a NaN or infinite value
 * is a bad row. A longer window is accepted and its last {@code context} steps are used, as the
 * single-JVM translator does.
 */
final class WindowInput implements RowInput<float[][]> {

    private static final long serialVersionUID = 1L;

    private final String column;
    private final String idColumn;
    private final int[] flatShape;
    private int col = -1;
    private int idCol = -1;
    private boolean nested;
    private transient int context = -1;
    private transient int channels = -1;

    /**
     * @param flatShape {steps, channels} of a flat column, or null for a nested one
     */
    WindowInput(String column, String idColumn, int[] flatShape) {
        if (flatShape != null && (flatShape.length != 2 || flatShape[0] < 1 || flatShape[1] < 1)) {
            throw new IllegalArgumentException(
                    "a window shape is (steps, channels), both positive, got "
                            + Arrays.toString(flatShape));
        }
        this.column = column;
        this.idColumn = idColumn;
        this.flatShape = flatShape;
    }

    @Override
    public void checkSchema(StructType schema) {
        if (schema.getFieldIndex(column).isEmpty()) {
            throw new IllegalArgumentException(
                    "no column '"
                            + column
                            + "' (columns: "
                            + Arrays.toString(schema.fieldNames())
                            + "): name the window column");
        }
        col = schema.fieldIndex(column);
        DataType t = schema.fields()[col].dataType();
        boolean flat = t instanceof ArrayType a && numeric(a.elementType());
        nested =
                t instanceof ArrayType a
                        && a.elementType() instanceof ArrayType b
                        && numeric(b.elementType());
        if (!flat && !nested) {
            throw new IllegalArgumentException(
                    "column '"
                            + column
                            + "' is "
                            + t.simpleString()
                            + ": windows are array<array<float>> (steps x channels) or a flat"
                            + " array<float> with windowShape(steps, channels)");
        }
        if (flat && flatShape == null) {
            throw new IllegalArgumentException(
                    "column '"
                            + column
                            + "' is a flat array: declare its shape with windowShape(steps,"
                            + " channels)");
        }
        if (idColumn != null) {
            if (schema.getFieldIndex(idColumn).isEmpty()) {
                throw new IllegalArgumentException("no id column '" + idColumn + "'");
            }
            idCol = schema.fieldIndex(idColumn);
        }
    }

    private static boolean numeric(DataType t) {
        return t instanceof FloatType || t instanceof DoubleType;
    }

    @Override
    public void prepare(ZooModel<?, ?> model) {
        try {
            int[] size = ModelInfo.of(model).inputSize();
            if (size == null || size.length != 2) {
                throw new IllegalArgumentException(
                        model.getName()
                                + " is not a forecaster: its metadata has no input_size [context,"
                                + " channels]");
            }
            context = size[0];
            channels = size[1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public float[][] read(Row row) {
        if (row.isNullAt(col)) {
            throw new IllegalArgumentException("the window is null");
        }
        float[][] w;
        if (nested) {
            List<Object> steps = row.getList(col);
            w = new float[steps.size()][];
            for (int t = 0; t < w.length; t++) {
                Object step = steps.get(t);
                if (step == null) {
                    throw new IllegalArgumentException("step " + t + " of the window is null");
                }
                w[t] = floats(step, t);
                if (w[t].length != w[0].length) {
                    throw new IllegalArgumentException(
                            "the window is ragged: step "
                                    + t
                                    + " has "
                                    + w[t].length
                                    + " values, step 0 has "
                                    + w[0].length);
                }
            }
        } else {
            List<Object> flat = row.getList(col);
            int n = flatShape[0] * flatShape[1];
            if (flat.size() != n) {
                throw new IllegalArgumentException(
                        "a window of the declared shape ("
                                + flatShape[0]
                                + ", "
                                + flatShape[1]
                                + ") has "
                                + n
                                + " values, this one has "
                                + flat.size());
            }
            w = new float[flatShape[0]][flatShape[1]];
            for (int i = 0; i < n; i++) {
                Object e = flat.get(i);
                if (e == null) {
                    throw new IllegalArgumentException("value " + i + " of the window is null");
                }
                w[i / flatShape[1]][i % flatShape[1]] = ((Number) e).floatValue();
            }
        }
        int c = w.length == 0 ? 0 : w[0].length;
        if (channels > 0 && c != channels) {
            throw new IllegalArgumentException(
                    "the model reads " + channels + " channels, the window has " + c);
        }
        if (context > 0 && w.length < context) {
            throw new IllegalArgumentException(
                    "the model reads the last "
                            + context
                            + " steps, the window has only "
                            + w.length);
        }
        for (int t = 0; t < w.length; t++) {
            for (int j = 0; j < c; j++) {
                if (!Float.isFinite(w[t][j])) {
                    throw new IllegalArgumentException(
                            "step " + t + ", channel " + j + " of the window is " + w[t][j]);
                }
            }
        }
        return w;
    }

    @SuppressWarnings("unchecked")
    private static float[] floats(Object step, int t) {
        List<Object> values =
                step instanceof scala.collection.Seq<?> s
                        ? (List<Object>) scala.jdk.javaapi.CollectionConverters.asJava(s)
                        : (List<Object>) step;
        float[] v = new float[values.size()];
        for (int j = 0; j < v.length; j++) {
            Object e = values.get(j);
            if (e == null) {
                throw new IllegalArgumentException(
                        "step " + t + ", channel " + j + " of the window is null");
            }
            v[j] = ((Number) e).floatValue();
        }
        return v;
    }

    @Override
    public String describe(Row row, int partition, long index) {
        if (idCol >= 0) {
            return idColumn + "=" + row.get(idCol);
        }
        return "row " + index + " of partition " + partition;
    }
}
