package ai.mlpzoo.spark;

import ai.djl.modality.Classifications;
import ai.mlpzoo.translate.SparseFeatures;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The model outputs as columns. */
final class Outputs {

    private Outputs() {}

    /** One of the top-k classes: {@code label}, {@code probability}. */
    static final StructType CLASS =
            new StructType()
                    .add("label", DataTypes.StringType, false)
                    .add("probability", DataTypes.DoubleType, false);

    /** A sparse autoencoder's active features: ascending indices, their values, the width. */
    static final StructType SPARSE =
            new StructType()
                    .add("indices", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                    .add("values", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                    .add("width", DataTypes.IntegerType, false);

    /** {@code label} (the top class), {@code probability} (its softmax) and {@code topk}. */
    static final class Classes implements RowOutput<Classifications> {
        private static final long serialVersionUID = 1L;
        private final int topK;

        Classes(int topK) {
            if (topK < 1) {
                throw new IllegalArgumentException("topK must be >= 1, got " + topK);
            }
            this.topK = topK;
        }

        @Override
        public StructField[] fields() {
            return new StructField[] {
                DataTypes.createStructField("label", DataTypes.StringType, true),
                DataTypes.createStructField("probability", DataTypes.DoubleType, true),
                DataTypes.createStructField("topk", DataTypes.createArrayType(CLASS, false), true)
            };
        }

        @Override
        public Object[] values(Classifications c) {
            List<Classifications.Classification> top = c.topK(topK);
            Row[] rows = new Row[top.size()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = RowFactory.create(top.get(i).getClassName(), top.get(i).getProbability());
            }
            Classifications.Classification best = top.get(0);
            if (!Double.isFinite(best.getProbability())) {
                throw new IllegalArgumentException("the model's probabilities are not finite");
            }
            return new Object[] {
                best.getClassName(), best.getProbability(), seq(Arrays.asList(rows))
            };
        }
    }

    /** A sparse autoencoder's features: a struct of indices and values, or the dense array. */
    static final class Features implements RowOutput<SparseFeatures> {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final boolean dense;

        Features(String name, boolean dense) {
            this.name = name;
            this.dense = dense;
        }

        @Override
        public StructField[] fields() {
            return new StructField[] {
                DataTypes.createStructField(
                        name,
                        dense ? DataTypes.createArrayType(DataTypes.FloatType, false) : SPARSE,
                        true)
            };
        }

        @Override
        public Object[] values(SparseFeatures f) {
            if (dense) {
                return new Object[] {boxed(f.toDense())};
            }
            Integer[] idx = new Integer[f.size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = f.indices()[i];
            }
            return new Object[] {
                RowFactory.create(seq(Arrays.asList(idx)), boxed(f.values()), f.width())
            };
        }
    }

    /** A regression's outputs as array&lt;float&gt; (the translator has checked them finite). */
    static final class Regression implements RowOutput<float[]> {
        private static final long serialVersionUID = 1L;
        private final String name;

        Regression(String name) {
            this.name = name;
        }

        @Override
        public StructField[] fields() {
            return new StructField[] {
                DataTypes.createStructField(
                        name, DataTypes.createArrayType(DataTypes.FloatType, false), true)
            };
        }

        @Override
        public Object[] values(float[] y) {
            return new Object[] {boxed(y)};
        }
    }

    /** A sentence embedding as array&lt;float&gt;, refused when not finite. */
    static final class Embedding implements RowOutput<float[]> {
        private static final long serialVersionUID = 1L;
        private final String name;

        Embedding(String name) {
            this.name = name;
        }

        @Override
        public StructField[] fields() {
            return new StructField[] {
                DataTypes.createStructField(
                        name, DataTypes.createArrayType(DataTypes.FloatType, false), true)
            };
        }

        @Override
        public Object[] values(float[] e) {
            for (float v : e) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("the model's embedding is not finite");
                }
            }
            return new Object[] {boxed(e)};
        }
    }

    /**
     * A forecast, horizon x channels in the data's units, as array&lt;array&lt;float&gt;&gt; (the
     * translator has checked it finite).
     */
    static final class Forecasts implements RowOutput<float[][]> {
        private static final long serialVersionUID = 1L;
        private final String name;

        Forecasts(String name) {
            this.name = name;
        }

        @Override
        public StructField[] fields() {
            return new StructField[] {
                DataTypes.createStructField(
                        name,
                        DataTypes.createArrayType(
                                DataTypes.createArrayType(DataTypes.FloatType, false), false),
                        true)
            };
        }

        @Override
        public Object[] values(float[][] f) {
            List<scala.collection.Seq<Float>> steps = new java.util.ArrayList<>(f.length);
            for (float[] step : f) {
                steps.add(boxed(step));
            }
            return new Object[] {seq(steps)};
        }
    }

    private static scala.collection.Seq<Float> boxed(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return seq(Arrays.asList(b));
    }

    /** Spark's Row encoder takes arrays as Scala sequences. */
    private static <T> scala.collection.Seq<T> seq(List<T> list) {
        return scala.jdk.javaapi.CollectionConverters.asScala(list);
    }
}
