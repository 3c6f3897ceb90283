package ai.mlpzoo.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.DeferredTranslatorFactory;
import ai.mlpzoo.translate.SparseFeatures;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
 * What happens to the per-JVM model and the per-task predictors when a task fails and Spark runs it
 * again ({@code local[2,2]}: two attempts per task), and when {@link ModelCache#clear()} is called
 * while a task still holds a predictor.
 *
 * <p>The failure is a stage of the same task after the scorer (a {@code mapPartitions} that throws
 * on attempt 0 of one partition once a few rows have been scored): the failed attempt has borrowed
 * its predictor and run batches through it, as a task killed by a bad executor or a downstream
 * error would.
 */
class SparkTaskRetryTest {

    @TempDir static Path tmp;
    static SparkSession spark;
    static Path sae;

    private static final int D_IN = 16;
    private static final StructType SCHEMA =
            new StructType()
                    .add("id", DataTypes.LongType, false)
                    .add("x", DataTypes.createArrayType(DataTypes.FloatType, true), true);

    /** partition:attempt of every task that ran the hooks (local mode: the tasks run here). */
    static final Queue<String> ATTEMPTS = new ConcurrentLinkedQueue<>();

    static volatile CountDownLatch started;
    static volatile CountDownLatch release;
    static volatile CountDownLatch otherDone;

    @BeforeAll
    static void start() throws Exception {
        sae = saeDir();
        spark = Sessions.local("local[2,2]");
    }

    @AfterAll
    static void stop() {
        ModelCache.clear();
    }

    @Test
    void aTaskThatFailsOnceIsRetriedWithTheSameModelAndItsPredictorIsClosed() throws Exception {
        ModelCache.clear();
        ATTEMPTS.clear();
        // local[N,F]: F attempts per task (spark.task.maxFailures is not read in local mode)
        assertEquals("local[2,2]", spark.sparkContext().master());
        List<float[]> in = vectors(200, 7);
        List<SparseFeatures> ref = singleJvm(in);

        MlpZooSpark zoo = MlpZooSpark.model(sae.toString()).engine("PyTorch").batchSize(8);
        // the model as the tasks get it, and one prediction on the driver so that whatever a
        // first forward attaches to the model's manager is there before the baseline is taken
        ZooModel<float[], SparseFeatures> model =
                ModelCache.get(zoo.source(), float[].class, SparseFeatures.class);
        try (Predictor<float[], SparseFeatures> p = ModelCache.borrow(model)) {
            p.predict(in.get(0));
        }
        int baseline = resources(model.getNDManager());
        long borrowedBefore = ModelCache.predictorsBorrowed();

        Dataset<Row> scored = zoo.saeFeatures(frame(in, 4), "x");
        List<Row> rows =
                scored.mapPartitions(new FailOnce(1, 20), Encoders.row(scored.schema()))
                        .select("id", "features")
                        .collectAsList();

        List<String> attempts = new ArrayList<>(ATTEMPTS);
        System.out.printf(
                "retry: attempts %s; loads %d, predictors borrowed %d, active %d; model manager"
                        + " resources %d (baseline %d)%n",
                new TreeSet<>(attempts),
                ModelCache.totalLoads(),
                ModelCache.predictorsBorrowed() - borrowedBefore,
                ModelCache.activePredictors(),
                resources(model.getNDManager()),
                baseline);
        assertTrue(attempts.contains("1:0"), "partition 1's first attempt ran: " + attempts);
        assertTrue(attempts.contains("1:1"), "partition 1 was retried: " + attempts);
        assertEquals(5, attempts.size(), "4 partitions + 1 retry: " + attempts);

        // exactly the single-JVM answers, each row once (the failed attempt's rows never count)
        assertEquals(200, rows.size());
        Set<Long> ids = new TreeSet<>();
        double maxDiff = 0;
        for (Row r : rows) {
            long id = r.getLong(0);
            assertTrue(ids.add(id), "row " + id + " twice");
            maxDiff = Math.max(maxDiff, check(ref.get((int) id), r.getStruct(1), id));
        }
        assertEquals(200, ids.size());
        System.out.printf("retry: 200 rows = single JVM's, max relative diff %.3g%n", maxDiff);
        assertTrue(maxDiff <= 1e-5, "max relative diff " + maxDiff);

        assertEquals(1, ModelCache.totalLoads(), "the retry reuses the JVM's model");
        assertEquals(
                5,
                ModelCache.predictorsBorrowed() - borrowedBefore,
                "one predictor per task attempt, the failed one included");
        assertEquals(0, ModelCache.activePredictors(), "every attempt's predictor was closed");
        assertEquals(
                baseline,
                resources(model.getNDManager()),
                "a predictor's NDManager left in the model's manager");
        assertTrue(model.getNDManager().isOpen(), "the model stays loaded for the next job");
    }

    /**
     * libtorch records autograd graphs on every thread but the one that loaded the engine; a task's
     * thread stops recording when it borrows a predictor, and its features are unchanged. It also
     * takes the engine thread count asked for ({@code ai.djl.pytorch.num_threads=1} here, as on
     * executors) even when it started with another, as every thread does when the engine was
     * started before the property was set.
     */
    @Test
    void aBorrowingThreadStopsRecordingGradientsAndTakesTheAskedThreads() throws Exception {
        assertEquals("1", System.getProperty(ai.mlpzoo.zoo.InferenceThreads.TORCH_THREADS));
        List<float[]> in = vectors(5, 11);
        List<SparseFeatures> ref = singleJvm(in);
        MlpZooSpark zoo = MlpZooSpark.model(sae.toString()).engine("PyTorch");
        ZooModel<float[], SparseFeatures> model =
                ModelCache.get(zoo.source(), float[].class, SparseFeatures.class);
        List<Object> seen = new ArrayList<>();
        Thread t =
                new Thread(
                        () -> {
                            seen.add(ai.mlpzoo.zoo.InferenceThreads.recordsGradients());
                            // an engine started with the default count: 2 threads on this thread
                            ai.djl.pytorch.jni.JniUtils.setNumThreads(2);
                            seen.add(ai.mlpzoo.zoo.InferenceThreads.intraOpThreads(model));
                            try (Predictor<float[], SparseFeatures> p = ModelCache.borrow(model)) {
                                seen.add(ai.mlpzoo.zoo.InferenceThreads.recordsGradients());
                                seen.add(ai.mlpzoo.zoo.InferenceThreads.intraOpThreads(model));
                                for (float[] x : in) {
                                    seen.add(p.predict(x));
                                }
                            } catch (Exception e) {
                                seen.add(e);
                            }
                        });
        t.start();
        t.join();
        assertEquals(Boolean.TRUE, seen.get(0), "a new thread records by default: " + seen);
        assertEquals(2, seen.get(1), "before borrow: " + seen);
        assertEquals(Boolean.FALSE, seen.get(2), "after borrow: " + seen);
        assertEquals(1, seen.get(3), "after borrow, the asked thread count: " + seen);
        for (int i = 0; i < in.size(); i++) {
            SparseFeatures got = (SparseFeatures) seen.get(4 + i);
            assertArrayEquals(ref.get(i).indices(), got.indices());
            assertArrayEquals(ref.get(i).values(), got.values());
        }
    }

    @Test
    void clearWaitsForARunningTasksPredictorBeforeClosingTheModel() throws Exception {
        ModelCache.clear();
        ATTEMPTS.clear();
        started = new CountDownLatch(1);
        release = new CountDownLatch(1);
        otherDone = new CountDownLatch(1);
        List<float[]> in = vectors(100, 11);
        List<SparseFeatures> ref = singleJvm(in);

        MlpZooSpark zoo = MlpZooSpark.model(sae.toString()).engine("PyTorch").batchSize(8);
        ZooModel<float[], SparseFeatures> model =
                ModelCache.get(zoo.source(), float[].class, SparseFeatures.class);
        NDManager modelManager = model.getNDManager();
        Dataset<Row> scored = zoo.saeFeatures(frame(in, 2), "x");
        Dataset<Row> held =
                scored.mapPartitions(new HoldPartition0(), Encoders.row(scored.schema()))
                        .select("id", "features");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Row>> job = pool.submit(held::collectAsList);
            // partition 0 has scored its first batch and holds its predictor; partition 1 is done
            assertTrue(started.await(120, TimeUnit.SECONDS), "partition 0 never started");
            assertTrue(otherDone.await(120, TimeUnit.SECONDS), "partition 1 never finished");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ModelCache.activePredictors() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, ModelCache.activePredictors(), "partition 0's predictor, borrowed");

            Future<?> clear = pool.submit(ModelCache::clear);
            Thread.sleep(1500);
            assertFalse(clear.isDone(), "clear() returned while a task held a predictor");
            assertTrue(modelManager.isOpen(), "clear() closed the model under a running task");

            release.countDown(); // partition 0 scores its other 6 batches with the same model
            List<Row> rows = job.get(120, TimeUnit.SECONDS);
            clear.get(60, TimeUnit.SECONDS); // returns once the task's predictor is closed

            assertFalse(modelManager.isOpen(), "clear() closes the model once the task is done");
            assertEquals(0, ModelCache.activePredictors());
            assertEquals(0, ModelCache.totalLoads(), "clear() resets the counters");
            assertEquals(100, rows.size());
            double maxDiff = 0;
            for (Row r : rows) {
                long id = r.getLong(0);
                maxDiff = Math.max(maxDiff, check(ref.get((int) id), r.getStruct(1), id));
            }
            System.out.printf(
                    "clear: waited for the held task; 100 rows = single JVM's, max relative diff"
                            + " %.3g%n",
                    maxDiff);
            assertTrue(maxDiff <= 1e-5, "max relative diff " + maxDiff);
        } finally {
            release.countDown(); // never leave a task blocked, whatever failed above
            pool.shutdownNow();
        }
    }

    /** Throws on attempt 0 of one partition once {@code afterRows} scored rows went through. */
    static final class FailOnce implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int partition;
        private final int afterRows;

        FailOnce(int partition, int afterRows) {
            this.partition = partition;
            this.afterRows = afterRows;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TaskContext t = TaskContext.get();
            ATTEMPTS.add(t.partitionId() + ":" + t.attemptNumber());
            boolean fail = t.partitionId() == partition && t.attemptNumber() == 0;
            return new Iterator<>() {
                private int n;

                @Override
                public boolean hasNext() {
                    if (fail && n == afterRows) {
                        throw new IllegalStateException(
                                "test: attempt 0 of partition " + partition + " fails");
                    }
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    n++;
                    return rows.next();
                }
            };
        }
    }

    /**
     * Partition 0 stops after its first scored row until the test releases it (at most 2 minutes,
     * then it fails: a bug shows as a failure, not a hang); partition 1 says when it is done.
     */
    static final class HoldPartition0 implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            int p = TaskContext.get().partitionId();
            return new Iterator<>() {
                private int n;

                @Override
                public boolean hasNext() {
                    if (p == 0 && n == 1) {
                        n++;
                        started.countDown();
                        try {
                            if (!release.await(120, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("test: never released");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("test: interrupted", e);
                        }
                    }
                    boolean more = rows.hasNext();
                    if (!more && p != 0) {
                        otherDone.countDown();
                    }
                    return more;
                }

                @Override
                public Row next() {
                    if (n == 0) {
                        n++;
                    }
                    return rows.next();
                }
            };
        }
    }

    /** The model's manager's direct resources: a predictor that is not closed stays one. */
    private static int resources(NDManager m) throws Exception {
        Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        return ((Map<?, ?>) f.get(m)).size();
    }

    /** Same active latents, values within float32 precision; returns the max relative diff. */
    private static double check(SparseFeatures expected, Row f, long id) {
        List<Integer> idx = f.getList(0);
        int[] indices = idx.stream().mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected.indices(), indices, "active latents of row " + id);
        List<Float> vals = f.getList(1);
        double max = 0;
        for (int i = 0; i < vals.size(); i++) {
            float b = expected.values()[i];
            max = Math.max(max, Math.abs(vals.get(i) - b) / Math.max(1.0, Math.abs(b)));
        }
        return max;
    }

    private static Path saeDir() throws Exception {
        return RandomModelDirs.save(
                tmp,
                "{\"model_type\":\"sae\",\"name\":\"sae\",\"architecture\":\"topk\","
                        + "\"d_in\":16,\"d_sae\":48,\"k\":5}",
                "sae");
    }

    private static List<float[]> vectors(int n, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[D_IN];
            for (int j = 0; j < D_IN; j++) {
                v[j] = (float) r.nextGaussian();
            }
            out.add(v);
        }
        return out;
    }

    /** {@code partitions} partitions without a shuffle: the scoring stage is the job's only one. */
    private static Dataset<Row> frame(List<float[]> vs, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < vs.size(); i++) {
            Float[] b = new Float[D_IN];
            for (int j = 0; j < D_IN; j++) {
                b[j] = vs.get(i)[j];
            }
            rows.add(RowFactory.create((long) i, b));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, partitions), SCHEMA);
    }

    private static List<SparseFeatures> singleJvm(List<float[]> in) throws Exception {
        Criteria<float[], SparseFeatures> c =
                Criteria.builder()
                        .setTypes(float[].class, SparseFeatures.class)
                        .optModelPath(sae)
                        .optEngine("PyTorch")
                        .optTranslatorFactory(new DeferredTranslatorFactory())
                        .build();
        List<SparseFeatures> res = new ArrayList<>();
        try (ZooModel<float[], SparseFeatures> m = c.loadModel();
                Predictor<float[], SparseFeatures> p = m.newPredictor()) {
            for (float[] x : in) {
                res.add(p.predict(x));
            }
        }
        return res;
    }
}
