package ai.mlpzoo.spark;

import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.translate.ModelInfo;
import ai.mlpzoo.zoo.ModelDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructType;

/**
 * Feature vectors from an array&lt;float&gt;, array&lt;double&gt; or Spark ML vector column,
 * checked against the width the model takes (its metadata's {@code input_size}, else its
 * architecture's input shape): a null, a NaN or a vector of another width is a bad row, never
 * padded or cut. Rows are named by the id column when one is given, else by their position.
 */
final class VectorInput implements RowInput<float[]> {

    private static final long serialVersionUID = 1L;

    private final String column;
    private final String idColumn;
    private int col = -1;
    private int idCol = -1;
    private transient int width = -1;

    VectorInput(String column, String idColumn) {
        this.column = column;
        this.idColumn = idColumn;
    }

    @Override
    public void checkSchema(StructType schema) {
        if (schema.getFieldIndex(column).isEmpty()) {
            throw new IllegalArgumentException(
                    "no column '"
                            + column
                            + "' (columns: "
                            + Arrays.toString(schema.fieldNames())
                            + "): name the vector column");
        }
        col = schema.fieldIndex(column);
        DataType t = schema.fields()[col].dataType();
        boolean ok =
                t instanceof VectorUDT
                        || (t instanceof ArrayType a
                                && (a.elementType() instanceof FloatType
                                        || a.elementType() instanceof DoubleType));
        if (!ok) {
            throw new IllegalArgumentException(
                    "column '"
                            + column
                            + "' is "
                            + t.simpleString()
                            + ": vectors are array<float>, array<double> or a Spark ML vector");
        }
        if (idColumn != null) {
            if (schema.getFieldIndex(idColumn).isEmpty()) {
                throw new IllegalArgumentException("no id column '" + idColumn + "'");
            }
            idCol = schema.fieldIndex(idColumn);
        }
    }

    @Override
    public void prepare(ZooModel<?, ?> model) {
        try {
            int[] size = ModelInfo.of(model).inputSize();
            width = size != null && size.length == 1 ? size[0] : -1;
            Path arch = model.getModelPath().resolve(ModelDirs.ARCHITECTURE);
            if (width < 0 && Files.isRegularFile(arch)) {
                // no input_size in metadata.json (SAE and KAN directories): the architecture's
                // input shape, (batch, features)
                Shape shape = ModelDirs.readArchitecture(model.getModelPath()).inputShape();
                if (shape != null && shape.dimension() == 2 && shape.get(1) > 0) {
                    width = (int) shape.get(1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public float[] read(Row row) {
        if (row.isNullAt(col)) {
            throw new IllegalArgumentException("the vector is null");
        }
        Object v = row.get(col);
        float[] x;
        if (v instanceof Vector vec) {
            double[] d = vec.toArray();
            x = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                x[i] = (float) d[i];
            }
        } else {
            List<Object> list = row.getList(col);
            x = new float[list.size()];
            for (int i = 0; i < x.length; i++) {
                Object e = list.get(i);
                if (e == null) {
                    throw new IllegalArgumentException("element " + i + " of the vector is null");
                }
                x[i] = ((Number) e).floatValue();
            }
        }
        if (width > 0 && x.length != width) {
            throw new IllegalArgumentException(
                    "the model takes vectors of " + width + " features, got " + x.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("element " + i + " is " + x[i]);
            }
        }
        return x;
    }

    @Override
    public String describe(Row row, int partition, long index) {
        if (idCol >= 0) {
            return idColumn + "=" + row.get(idCol);
        }
        return "row " + index + " of partition " + partition;
    }
}
