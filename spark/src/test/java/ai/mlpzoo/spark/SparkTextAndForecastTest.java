package ai.mlpzoo.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Application;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.capture.ActivationStore;
import ai.mlpzoo.capture.Capture;
import ai.mlpzoo.capture.StoreBatches;
import ai.mlpzoo.nlp.MiniLm;
import ai.mlpzoo.nlp.SentenceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * MiniLM embeddings and activation capture of a text column, and forecasts of a column of windows,
 * in local[2] over 3 partitions: equal to the single-JVM predictor (and, for the capture, to the
 * hook point run on each text alone), the model loaded once per JVM, bad rows named.
 */
class SparkTextAndForecastTest {

    @TempDir static Path tmp;
    static SparkSession spark;

    private static final String HOOK = "blocks.3.hook_resid_post";

    /** Sentences of the State of the Union addresses' register, and one beyond 256 tokens. */
    static final List<String> TEXTS = new ArrayList<>();

    static {
        TEXTS.addAll(
                List.of(
                        "The state of the Union is strong.",
                        "We must balance the budget without raising taxes on working families.",
                        "Congress shall have the power to regulate commerce among the states.",
                        "Our schools need more teachers and better classrooms.",
                        "The economy grew faster this year than at any time in a decade.",
                        "I ask you to pass this bill before the end of the session.",
                        "Peace is not merely the absence of war.",
                        "Tonight I want to talk about the future of our children.",
                        "Health care costs have doubled in ten years.",
                        "We will defend our allies and keep our commitments abroad.",
                        "The farmers of the Midwest suffered through a long drought.",
                        "Every citizen deserves a fair chance to succeed.",
                        "Energy independence will make our nation more secure.",
                        "The treaty was ratified by the Senate last spring.",
                        "Our veterans have earned our gratitude and our care.",
                        "Crime has fallen in our cities for the fifth straight year.",
                        "Science and research drive the prosperity of tomorrow.",
                        "Let us work together, Republicans and Democrats alike.",
                        "Café owners and naïve résumé writers use accents too.",
                        "Small businesses create most of the new jobs in America.",
                        "A short one."));
        StringBuilder longText = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            longText.append("liberty ");
        }
        TEXTS.add(longText.toString().trim()); // 300 words: truncated to 256 tokens
    }

    private static final StructType TEXT_SCHEMA =
            new StructType()
                    .add("id", DataTypes.IntegerType, false)
                    .add("text", DataTypes.StringType, true);

    @BeforeAll
    static void start() {
        spark = Sessions.local2();
    }

    @AfterAll
    static void stop() {
        ModelCache.clear();
    }

    private static Dataset<Row> texts(List<String> texts) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        return spark.createDataFrame(rows, TEXT_SCHEMA).repartition(3);
    }

    private static MlpZooSpark minilm() {
        return MlpZooSpark.model("minilm").engine("PyTorch").idColumn("id");
    }

    @Test
    void embeddingsEqualTheSingleJvmPredictorsAndCaptureReadsBackAsTheSameRows() throws Exception {
        // single JVM: the zoo's MiniLM on PyTorch, each text alone
        Map<Integer, float[]> expected = new HashMap<>();
        Criteria<String, float[]> criteria =
                Criteria.builder()
                        .setTypes(String.class, float[].class)
                        .optApplication(Application.NLP.TEXT_EMBEDDING)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("minilm")
                        .optEngine("PyTorch")
                        .build();
        try (ZooModel<String, float[]> model = criteria.loadModel();
                Predictor<String, float[]> p = model.newPredictor()) {
            for (int i = 0; i < TEXTS.size(); i++) {
                expected.put(i, p.predict(TEXTS.get(i)));
            }
        }
        int before = ModelCache.totalLoads();
        long borrowedBefore = ModelCache.predictorsBorrowed();
        List<Row> rows = minilm().batchSize(4).embed(texts(TEXTS), "text").collectAsList();
        assertEquals(TEXTS.size(), rows.size());
        double maxDiff = 0;
        for (Row r : rows) {
            int id = r.getInt(0);
            float[] e = floats(r.getList(2));
            assertEquals(384, e.length);
            double norm = 0;
            for (int j = 0; j < e.length; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(e[j] - expected.get(id)[j]));
                norm += (double) e[j] * e[j];
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-5, "unit length, id " + id);
        }
        System.out.printf("MiniLM on Spark vs single JVM: max |diff| %.2e%n", maxDiff);
        // batches of 4 are cut where the partitions fall and padded to their longest text; the
        // single-JVM reference ran each text alone
        assertTrue(maxDiff < 1e-5, "max |diff| " + maxDiff);

        // capture: the same cached model (one load for both jobs), a tap on blocks.3
        Path out = tmp.resolve("acts");
        List<String> withBad = new ArrayList<>(TEXTS);
        withBad.add(null);
        CaptureResult result =
                minilm().batchSize(4)
                        .rowsPerShard(100)
                        .onError(OnError.COLUMN)
                        .captureActivations(texts(withBad), "text", HOOK, out);
        // another test of this class may have loaded it first: at most the one load here
        assertTrue(ModelCache.totalLoads() - before <= 1, "MiniLM loaded at most once here");
        assertEquals(
                1,
                ModelCache.loads(
                        ModelSource.of("minilm").withEngine("PyTorch"),
                        String.class,
                        float[].class));
        long borrowed = ModelCache.predictorsBorrowed() - borrowedBefore;
        assertEquals(6, borrowed, "one predictor per task: 3 tasks of each job");
        assertEquals(TEXTS.size() + 1, result.texts());
        assertEquals(1, result.badRows());
        assertTrue(
                result.messages().get(0).contains("id=" + TEXTS.size() + ": the text is null"),
                result.messages().toString());
        assertEquals(3, result.stores(), "a store per partition");

        List<float[]> reference = singleJvmCapture(TEXTS);
        assertEquals(reference.size(), result.rows(), "a row per real token");
        ActivationStore store = ActivationStore.open(out); // as train-sae --activations opens it
        assertEquals(reference.size(), store.rows());
        assertEquals(HOOK, store.hook());
        assertEquals(384, store.dIn());
        assertTrue(store.complete());
        store.verify();
        assertTrue(!Files.exists(out.resolve(CapturePartition.ATTEMPTS)), "attempts cleaned up");
        List<float[]> captured = new ArrayList<>();
        int n = (int) store.rows();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                StoreBatches batches = store.batches(n, n, 1)) {
            float[] all = batches.next(m).get(0).toFloatArray(); // one epoch, every row once
            for (int r = 0; r < n; r++) {
                captured.add(Arrays.copyOfRange(all, r * 384, (r + 1) * 384));
            }
        }
        double worst = matchAsSets(reference, captured);
        System.out.printf(
                "capture on Spark (%d rows in %d stores) vs each text alone: max |diff| %.2e%n",
                n, result.stores(), worst);
        assertTrue(worst < 1e-4, "max |diff| " + worst);

        // a second capture into the same folder is refused before any job runs
        IllegalArgumentException again =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> minilm().captureActivations(texts(TEXTS), "text", HOOK, out));
        assertTrue(again.getMessage().contains("is not empty"), again.getMessage());
    }

    /** The hook point on each text alone, padding-free: the rows of its real tokens. */
    private static List<float[]> singleJvmCapture(List<String> texts) throws Exception {
        List<float[]> rows = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                SentenceTokenizer tokenizer = SentenceTokenizer.miniLm()) {
            BertEncoder encoder = MiniLm.load(manager);
            try (Capture c = Capture.install(encoder, HOOK)) {
                for (String t : texts) {
                    try (NDManager m = manager.newSubManager()) {
                        SentenceTokenizer.Batch b = tokenizer.encode(List.of(t), false);
                        encoder.forward(new ParameterStore(m, false), b.toNDList(m), false);
                        NDArray out = c.output(); // (1, tokens, 384)
                        float[] all = out.toFloatArray();
                        for (int k = 0; k < b.lengths()[0]; k++) {
                            rows.add(Arrays.copyOfRange(all, k * 384, (k + 1) * 384));
                        }
                    }
                }
            }
        }
        return rows;
    }

    /**
     * Pairs every reference row with a distinct captured row (the nearest unused one) and returns
     * the largest difference of a pair: the two are the same rows in another order.
     */
    private static double matchAsSets(List<float[]> reference, List<float[]> captured) {
        assertEquals(reference.size(), captured.size());
        boolean[] used = new boolean[captured.size()];
        double worst = 0;
        for (float[] ref : reference) {
            int best = -1;
            double bestDiff = Double.MAX_VALUE;
            for (int j = 0; j < captured.size(); j++) {
                if (used[j]) {
                    continue;
                }
                double d = 0;
                float[] c = captured.get(j);
                for (int k = 0; k < ref.length && d < bestDiff; k++) {
                    d = Math.max(d, Math.abs(ref[k] - c[k]));
                }
                if (d < bestDiff) {
                    bestDiff = d;
                    best = j;
                }
            }
            used[best] = true;
            worst = Math.max(worst, bestDiff);
        }
        return worst;
    }

    @Test
    void aNullOrEmptyTextIsABadRow() {
        List<String> bad = new ArrayList<>(TEXTS.subList(0, 5));
        bad.add(null);
        bad.add("");
        bad.add("   ");
        Exception e =
                assertThrows(
                        Exception.class, () -> minilm().embed(texts(bad), "text").collectAsList());
        String msg = messages(e);
        assertTrue(
                msg.contains("bad row id=5: the text is null") || msg.contains("the text is empty"),
                msg);

        Map<Integer, Row> byId = new HashMap<>();
        for (Row r : minilm().onError(OnError.COLUMN).embed(texts(bad), "text").collectAsList()) {
            byId.put(r.getInt(0), r);
        }
        for (int i = 0; i < 5; i++) {
            assertNotNull(byId.get(i).get(2));
            assertNull(byId.get(i).get(3));
        }
        assertEquals("id=5: the text is null", byId.get(5).getString(3));
        assertTrue(byId.get(6).getString(3).startsWith("id=6: the text is empty"));
        assertTrue(byId.get(7).getString(3).startsWith("id=7: the text is empty"));
        assertNull(byId.get(6).get(2));

        IllegalArgumentException notText =
                assertThrows(
                        IllegalArgumentException.class, () -> minilm().embed(texts(TEXTS), "id"));
        assertTrue(notText.getMessage().contains("column 'id' is int"), notText.getMessage());
    }

    // --- forecasting: tsmixer/etth1_h96 (PatchTSMixer, 512 steps x 7 channels, no time marks)

    private static final int STEPS = 512;
    private static final int CHANNELS = 7;

    /** A window in ETTh1-like units: daily cycles of several amplitudes and a drift. */
    private static float[][] window(int w) {
        float[][] x = new float[STEPS][CHANNELS];
        for (int t = 0; t < STEPS; t++) {
            for (int c = 0; c < CHANNELS; c++) {
                double phase = 2 * Math.PI * (t + 3 * w) / 24.0 + c;
                x[t][c] = (float) (5 + 2 * c + (1 + 0.2 * w) * Math.sin(phase) + 0.001 * t * w);
            }
        }
        return x;
    }

    private static final StructType NESTED =
            new StructType()
                    .add("id", DataTypes.IntegerType, false)
                    .add(
                            "window",
                            DataTypes.createArrayType(
                                    DataTypes.createArrayType(DataTypes.FloatType, true), true),
                            true);

    private static final StructType FLAT =
            new StructType()
                    .add("id", DataTypes.IntegerType, false)
                    .add("window", DataTypes.createArrayType(DataTypes.DoubleType, true), true);

    private static Row nested(int id, float[][] w) {
        if (w == null) {
            return RowFactory.create(id, null);
        }
        List<Object> steps = new ArrayList<>();
        for (float[] step : w) {
            Float[] b = new Float[step.length];
            for (int c = 0; c < step.length; c++) {
                b[c] = step[c];
            }
            steps.add(Arrays.asList(b));
        }
        return RowFactory.create(id, steps);
    }

    private static Row flat(int id, float[][] w) {
        List<Double> values = new ArrayList<>();
        for (float[] step : w) {
            for (float v : step) {
                values.add((double) v);
            }
        }
        return RowFactory.create(id, values);
    }

    @Test
    void forecastsEqualTheSingleJvmForecasterAndBadWindowsAreNamed() throws Exception {
        int n = 12;
        Map<Integer, float[][]> expected = new HashMap<>();
        Criteria<float[][], float[][]> criteria =
                Criteria.builder()
                        .setTypes(float[][].class, float[][].class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("tsmixer")
                        .optFilter("variant", "etth1_h96")
                        .optEngine("PyTorch")
                        .build();
        try (ZooModel<float[][], float[][]> model = criteria.loadModel();
                Predictor<float[][], float[][]> p = model.newPredictor()) {
            for (int w = 0; w < n; w++) {
                expected.put(w, p.predict(window(w)));
            }
        }
        List<Row> nestedRows = new ArrayList<>();
        List<Row> flatRows = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            nestedRows.add(nested(w, window(w)));
            flatRows.add(flat(w, window(w)));
        }
        MlpZooSpark tsmixer =
                MlpZooSpark.model("tsmixer/etth1_h96")
                        .engine("PyTorch")
                        .idColumn("id")
                        .batchSize(5);
        int loadsBefore = ModelCache.totalLoads();
        List<Row> a =
                tsmixer.forecast(spark.createDataFrame(nestedRows, NESTED).repartition(3), "window")
                        .collectAsList();
        List<Row> b =
                tsmixer.windowShape(STEPS, CHANNELS)
                        .forecast(spark.createDataFrame(flatRows, FLAT).repartition(3), "window")
                        .collectAsList();
        assertEquals(1, ModelCache.totalLoads() - loadsBefore, "loaded once for both jobs");
        double maxRel = 0;
        for (List<Row> rows : List.of(a, b)) {
            assertEquals(n, rows.size());
            for (Row r : rows) {
                float[][] want = expected.get(r.getInt(0));
                List<Object> got = r.getList(2);
                assertEquals(96, got.size());
                for (int t = 0; t < 96; t++) {
                    float[] step = floats(got.get(t));
                    assertEquals(CHANNELS, step.length);
                    for (int c = 0; c < CHANNELS; c++) {
                        double d =
                                Math.abs(step[c] - want[t][c]) / Math.max(1, Math.abs(want[t][c]));
                        maxRel = Math.max(maxRel, d);
                    }
                }
            }
        }
        System.out.printf("tsmixer on Spark vs single JVM: max relative diff %.2e%n", maxRel);
        assertTrue(maxRel < 1e-5, "max relative diff " + maxRel);

        // bad windows: 6 channels, 100 steps, a NaN, ragged, null
        float[][] sixChannels = new float[STEPS][6];
        float[][] short100 = Arrays.copyOf(window(0), 100);
        float[][] nan = window(1);
        nan[200][3] = Float.NaN;
        float[][] ragged = window(2);
        ragged[7] = new float[5];
        List<Row> bad =
                List.of(
                        nested(0, window(0)),
                        nested(1, sixChannels),
                        nested(2, short100),
                        nested(3, nan),
                        nested(4, ragged),
                        nested(5, null));
        Map<Integer, String> errors = new HashMap<>();
        for (Row r :
                MlpZooSpark.model("tsmixer/etth1_h96")
                        .engine("PyTorch")
                        .idColumn("id")
                        .onError(OnError.COLUMN)
                        .forecast(spark.createDataFrame(bad, NESTED).repartition(2), "window")
                        .collectAsList()) {
            errors.put(r.getInt(0), r.isNullAt(3) ? null : r.getString(3));
            assertEquals(r.isNullAt(2), r.getString(3) != null, "an answer or an error");
        }
        assertNull(errors.get(0));
        assertEquals("id=1: the model reads 7 channels, the window has 6", errors.get(1));
        assertEquals(
                "id=2: the model reads the last 512 steps, the window has only 100", errors.get(2));
        assertEquals("id=3: step 200, channel 3 of the window is NaN", errors.get(3));
        assertEquals(
                "id=4: the window is ragged: step 7 has 5 values, step 0 has 7", errors.get(4));
        assertEquals("id=5: the window is null", errors.get(5));

        Exception e =
                assertThrows(
                        Exception.class,
                        () ->
                                MlpZooSpark.model("tsmixer/etth1_h96")
                                        .engine("PyTorch")
                                        .idColumn("id")
                                        .windowShape(STEPS, CHANNELS)
                                        .forecast(
                                                spark.createDataFrame(
                                                        List.of(
                                                                RowFactory.create(
                                                                        9, List.of(1.0, 2.0))),
                                                        FLAT),
                                                "window")
                                        .collectAsList());
        String msg = messages(e);
        assertTrue(
                msg.contains(
                        "bad row id=9: a window of the declared shape (512, 7) has 3584 values,"
                                + " this one has 2"),
                msg);
    }

    private static String messages(Throwable e) {
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            m.append(t.getMessage()).append('\n');
        }
        return m.toString();
    }

    @SuppressWarnings("unchecked")
    private static float[] floats(Object list) {
        List<Object> l =
                list instanceof scala.collection.Seq<?> s
                        ? (List<Object>) scala.jdk.javaapi.CollectionConverters.asJava(s)
                        : (List<Object>) list;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).floatValue();
        }
        return out;
    }
}
