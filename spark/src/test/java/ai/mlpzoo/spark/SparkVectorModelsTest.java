package ai.mlpzoo.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.DeferredTranslatorFactory;
import ai.mlpzoo.translate.SparseFeatures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SAE features and KAN regression of a float-array column in local[2] over 5 partitions equal the
 * single-JVM translators' (SaeFeatureExtractor, VectorRegressor); a vector of the wrong width, a
 * NaN or a null fails its row by id.
 */
class SparkVectorModelsTest {

    @TempDir static Path tmp;
    static SparkSession spark;
    static Path sae;
    static Path kan;

    private static final StructType SCHEMA =
            new StructType()
                    .add("id", DataTypes.LongType, false)
                    .add("x", DataTypes.createArrayType(DataTypes.FloatType, true), true);

    @BeforeAll
    static void start() throws Exception {
        sae =
                RandomModelDirs.save(
                        tmp,
                        "{\"model_type\":\"sae\",\"name\":\"sae\",\"architecture\":\"topk\",\"d_in\":16,\"d_sae\":48,\"k\":5}",
                        "sae");
        kan =
                RandomModelDirs.save(
                        tmp,
                        "{\"model_type\":\"kan_bspline\",\"name\":\"kan\",\"layers_hidden\":[6,8,3]}",
                        "kan");
        spark = Sessions.local2();
    }

    @AfterAll
    static void stop() {
        ModelCache.clear();
    }

    private static List<float[]> vectors(int n, int d, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = (float) r.nextGaussian();
            }
            out.add(v);
        }
        return out;
    }

    private static Dataset<Row> frame(List<float[]> vs, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < vs.size(); i++) {
            Float[] b = new Float[vs.get(i).length];
            for (int j = 0; j < b.length; j++) {
                b[j] = vs.get(i)[j];
            }
            rows.add(RowFactory.create((long) i, b));
        }
        return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    }

    private static <O> List<O> singleJvm(Path dir, Class<O> out, List<float[]> in)
            throws Exception {
        Criteria<float[], O> c =
                Criteria.builder()
                        .setTypes(float[].class, out)
                        .optModelPath(dir)
                        .optEngine("PyTorch")
                        .optTranslatorFactory(new DeferredTranslatorFactory())
                        .build();
        List<O> res = new ArrayList<>();
        try (ZooModel<float[], O> m = c.loadModel();
                Predictor<float[], O> p = m.newPredictor()) {
            for (float[] x : in) {
                res.add(p.predict(x));
            }
        }
        return res;
    }

    /**
     * |a - b| relative to max(1, |b|): Spark's batches are cut where the partitions fall, and a
     * batched float32 matrix product rounds differently from one row's (the same row gives results
     * a few ulps apart), so values are equal to float32 precision, not bit for bit.
     */
    private static double relDiff(float a, float b) {
        return Math.abs(a - b) / Math.max(1.0, Math.abs(b));
    }

    private static float[] floats(List<Float> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = l.get(i);
        }
        return f;
    }

    @Test
    void saeFeaturesEqualTheSingleJvmExtractorsWithOneLoadPerJvm() throws Exception {
        ModelCache.clear();
        List<float[]> in = vectors(300, 16, 1);
        List<SparseFeatures> ref = singleJvm(sae, SparseFeatures.class, in);
        List<Row> rows =
                MlpZooSpark.model(sae.toString())
                        .engine("PyTorch")
                        .batchSize(32)
                        .saeFeatures(frame(in, 5), "x")
                        .select("id", "features")
                        .collectAsList();
        assertEquals(300, rows.size());
        double maxDiff = 0;
        int active = 0;
        for (Row r : rows) {
            SparseFeatures expected = ref.get((int) r.getLong(0));
            Row f = r.getStruct(1);
            List<Integer> idx = f.getList(0);
            int[] indices = idx.stream().mapToInt(Integer::intValue).toArray();
            float[] values = floats(f.getList(1));
            assertArrayEquals(expected.indices(), indices, "active latents of row " + r.getLong(0));
            for (int i = 0; i < values.length; i++) {
                maxDiff = Math.max(maxDiff, relDiff(values[i], expected.values()[i]));
            }
            assertEquals(48, f.getInt(2));
            active += indices.length;
        }
        System.out.printf(
                "SAE (topk, 16 -> 48, k 5): 300 rows, 5 partitions: active latents = single JVM's,"
                        + " max relative value diff %.3g, %.2f active per row; loads %d, predictors"
                        + " %d%n",
                maxDiff, active / 300.0, ModelCache.totalLoads(), ModelCache.predictorsBorrowed());
        assertTrue(maxDiff <= 1e-5, "max relative diff " + maxDiff);
        assertTrue(active > 0 && active <= 5 * 300, "TopK keeps at most k: " + active);
        assertEquals(1, ModelCache.totalLoads(), "loaded once per JVM, not once per partition");
        assertEquals(5, ModelCache.predictorsBorrowed(), "one predictor per task");

        // the dense option: every latent, the sparse ones in place
        List<Row> dense =
                MlpZooSpark.model(sae.toString())
                        .engine("PyTorch")
                        .dense(true)
                        .saeFeatures(frame(in.subList(0, 20), 2), "x")
                        .select("id", "features")
                        .collectAsList();
        for (Row r : dense) {
            float[] d = floats(r.getList(1));
            float[] e = ref.get((int) r.getLong(0)).toDense();
            assertEquals(e.length, d.length);
            for (int i = 0; i < d.length; i++) {
                assertTrue(relDiff(d[i], e[i]) <= 1e-5, d[i] + " vs " + e[i]);
                assertEquals(e[i] == 0, d[i] == 0, "the same latents are zero");
            }
        }
    }

    @Test
    void kanRegressionEqualsTheSingleJvmPredictor() throws Exception {
        List<float[]> in = vectors(200, 6, 2);
        List<float[]> ref = singleJvm(kan, float[].class, in);
        List<Row> rows =
                MlpZooSpark.model(kan.toString())
                        .engine("PyTorch")
                        .batchSize(16)
                        .regress(frame(in, 4), "x")
                        .select("id", "prediction")
                        .collectAsList();
        assertEquals(200, rows.size());
        double maxDiff = 0;
        double maxAbs = 0;
        for (Row r : rows) {
            float[] y = floats(r.getList(1));
            float[] e = ref.get((int) r.getLong(0));
            assertEquals(3, y.length);
            for (int i = 0; i < 3; i++) {
                maxDiff = Math.max(maxDiff, relDiff(y[i], e[i]));
                maxAbs = Math.max(maxAbs, Math.abs(e[i]));
            }
        }
        System.out.printf(
                "KAN regression (6 -> 8 -> 3): 200 rows, 4 partitions, max relative diff %.3g"
                        + " (outputs up to %.3g)%n",
                maxDiff, maxAbs);
        // the B-spline bases sum many terms of large random weights: batched float32 rounding
        // leaves more than the SAE's 1e-7; the project's parity bar is 1e-4
        assertTrue(maxDiff <= 1e-4, "max relative diff " + maxDiff);
    }

    /** Rows 0-9 good, 10 too short, 11 too long, 12 a NaN, 13 null. */
    private static Dataset<Row> withBadRows() {
        List<float[]> good = vectors(10, 16, 3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < good.size(); i++) {
            Float[] b = new Float[16];
            for (int j = 0; j < 16; j++) {
                b[j] = good.get(i)[j];
            }
            rows.add(RowFactory.create((long) i, b));
        }
        rows.add(RowFactory.create(10L, new Float[15]));
        rows.add(RowFactory.create(11L, new Float[17]));
        Float[] nan = new Float[16];
        java.util.Arrays.fill(nan, 0f);
        nan[3] = Float.NaN;
        rows.add(RowFactory.create(12L, nan));
        rows.add(RowFactory.create(13L, null));
        for (Row r : rows) {
            Object x = r.get(1);
            if (x instanceof Float[] f && f.length != 16) {
                java.util.Arrays.fill(f, 0.5f);
            }
        }
        return spark.createDataFrame(rows, SCHEMA).repartition(3);
    }

    @Test
    void aVectorOfTheWrongWidthFailsTheJobNamingTheRow() {
        Exception e =
                assertThrows(
                        Exception.class,
                        () ->
                                MlpZooSpark.model(sae.toString())
                                        .engine("PyTorch")
                                        .idColumn("id")
                                        .saeFeatures(withBadRows(), "x")
                                        .collectAsList());
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            m.append(t.getMessage()).append('\n');
        }
        String msg = m.toString();
        assertTrue(msg.contains("bad row id=1"), msg);
        assertTrue(
                msg.contains("takes vectors of 16 features")
                        || msg.contains("is NaN")
                        || msg.contains("is null"),
                msg);
    }

    @Test
    void keepGoingReportsEachBadRowAndScoresTheGoodOnes() throws Exception {
        List<Row> rows =
                MlpZooSpark.model(sae.toString())
                        .engine("PyTorch")
                        .idColumn("id")
                        .batchSize(4)
                        .onError(OnError.COLUMN)
                        .saeFeatures(withBadRows(), "x")
                        .select("id", "features", "error")
                        .collectAsList();
        assertEquals(14, rows.size());
        Map<Long, Row> byId = new HashMap<>();
        for (Row r : rows) {
            byId.put(r.getLong(0), r);
        }
        Map<Long, String> expected =
                Map.of(
                        10L, "takes vectors of 16 features, got 15",
                        11L, "takes vectors of 16 features, got 17",
                        12L, "element 3 is NaN",
                        13L, "the vector is null");
        for (var kv : expected.entrySet()) {
            Row r = byId.get(kv.getKey());
            assertNull(r.get(1), "no features for bad row " + kv.getKey());
            assertTrue(
                    r.getString(2).contains("id=" + kv.getKey())
                            && r.getString(2).contains(kv.getValue()),
                    r.getString(2));
            System.out.println("error column: " + r.getString(2));
        }
        List<SparseFeatures> ref = singleJvm(sae, SparseFeatures.class, vectors(10, 16, 3));
        for (long i = 0; i < 10; i++) {
            Row r = byId.get(i);
            assertNull(r.get(2));
            assertNotNull(r.get(1));
            List<Integer> idx = r.getStruct(1).getList(0);
            assertArrayEquals(
                    ref.get((int) i).indices(), idx.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void aColumnOfTheWrongTypeIsNamedBeforeTheJobRuns() {
        Dataset<Row> df = spark.range(3).toDF("id");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> MlpZooSpark.model(sae.toString()).saeFeatures(df, "id"));
        assertTrue(e.getMessage().contains("column 'id' is bigint"), e.getMessage());
    }
}
