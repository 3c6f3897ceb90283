package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.sae.SaeArchitecture;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.loading.Importers;
import ai.mlpzoo.loading.sae.LoadedSae;
import ai.mlpzoo.loading.sae.SaeImporter;
import ai.mlpzoo.loading.sae.SaeLensFormat;
import ai.mlpzoo.onnx.OnnxExporter;
import ai.mlpzoo.sae.training.BatchSource;
import ai.mlpzoo.sae.training.SaeMetrics;
import ai.mlpzoo.sae.training.SaeTrainer;
import ai.mlpzoo.sae.training.SaeTrainingConfig;
import ai.mlpzoo.sae.training.ToyFeatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every registered SAE architecture gets from its one registration in {@link
 * SaeArchitectures}, checked through each consumer that looks it up: the config reader builds its
 * block from JSON; the SAELens layout (and sparsify's, where the architecture declares a sparsify
 * activation) saves and reloads it with identical tensors; the trainer lowers its loss; and the
 * ONNX exporter writes a graph that ONNX Runtime runs like the block on PyTorch (within 1e-4, the
 * tolerance of the ONNX parity tests). Runs here because the CLI module depends on all of them.
 */
class SaeArchitectureContractTest {

    private static final int D_IN = 16;
    private static final int D_SAE = 32;
    private static final int D_OUT = 12;
    private static final int K = 4;

    static {
        // architectures that only the tests know: one SaeArchitectures.register line each, as a
        // user's code registers its own
        SaeArchitectures.register(ProLuSae.ARCHITECTURE);
    }

    @TempDir Path tmp;

    /**
     * @return every registered architecture: the project's and those registered above
     */
    static Stream<String> architectures() {
        return SaeArchitectures.names().stream();
    }

    /** The config JSON of an architecture, with the fields it declares it needs. */
    private static String json(SaeArchitecture a) {
        StringBuilder s =
                new StringBuilder(
                        "{\"model_type\": \"sae\", \"architecture\": \"" + a.name() + "\"");
        s.append(", \"d_in\": ").append(D_IN).append(", \"d_sae\": ").append(D_SAE);
        if (a.usesK()) {
            s.append(", \"k\": ").append(K);
        }
        if (a.isTranscoder()) {
            s.append(", \"d_out\": ").append(D_OUT);
        }
        if ("matryoshka_batchtopk".equals(a.name())) {
            s.append(", \"group_sizes\": [8, 8, 16]"); // nested prefixes 8, 16 and 32
        }
        return s.append('}').toString();
    }

    private static SaeConfig read(SaeArchitecture a) {
        ModelConfig c =
                Configs.read(json(a).getBytes(StandardCharsets.UTF_8), a.name() + " test config");
        assertTrue(c instanceof SaeConfig, "model_type sae reads as an SaeConfig: " + c);
        return (SaeConfig) c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void configReaderBuildsTheRegisteredBlock(String name) {
        SaeArchitecture a = SaeArchitectures.get(name);
        SaeConfig c = read(a);
        SparseCoder block = c.toBlock();
        assertSame(a.blockType(), block.getClass());
        assertEquals(name, block.architecture());
        assertEquals(a.isTranscoder() ? D_OUT : D_IN, block.getDims().dOut());
        assertSame(a, SaeArchitectures.require(block), "the block finds its architecture again");
        // the JSON written for a model directory reads back as the same architecture
        SaeConfig again =
                (SaeConfig)
                        Configs.read(Configs.toJson(c).getBytes(StandardCharsets.UTF_8), "again");
        assertEquals(c.toString(), again.toString());
        // the common rules name the field
        String bad = json(a).replace("\"d_sae\": " + D_SAE, "\"d_sae\": 0");
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Configs.read(bad.getBytes(StandardCharsets.UTF_8), "bad"));
        assertTrue(
                e.getMessage().contains("field 'd_sae' must be positive, got 0"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void formatsSaveAndReloadIdenticalTensors(String name) throws Exception {
        SaeArchitecture a = SaeArchitectures.get(name);
        SaeConfig c = read(a);
        try (NDManager m = NDManager.newBaseManager()) {
            SparseCoder block = randomBlock(c, m, name.hashCode());
            for (String format : Importers.saeFormats()) {
                SaeImporter io = Importers.saeFormat(format);
                Path dir = tmp.resolve(format);
                // each layout holds the architectures it can state (SAELens' cannot state the
                // multi-layer SAE's standardisation; mlsae's holds nothing else)
                boolean writable =
                        switch (format) {
                            case "sparsify" -> a.sparsifyActivation() != null;
                            case "saelens" -> a.saeLensName() != null;
                            case "mlsae" -> "mlsae".equals(name);
                            default -> true;
                        };
                if (!writable) {
                    IllegalArgumentException e =
                            assertThrows(
                                    IllegalArgumentException.class, () -> io.write(dir, c, block));
                    assertTrue(e.getMessage().contains(" layout"), e.getMessage());
                    continue;
                }
                io.write(dir, c, block);
                LoadedSae back = io.read(m, dir);
                // saved under the SAELens name it declares (batchtopk comes back as a jumprelu)
                String expected = "saelens".equals(format) ? a.saeLensName() : name;
                assertEquals(expected, back.config().architecture, format);
                Map<String, Parameter> want = NamedParameters.of(block);
                Map<String, Parameter> got = NamedParameters.of(back.block());
                assertEquals(want.keySet(), got.keySet(), format + " tensor names");
                for (String p : want.keySet()) {
                    NDArray w = want.get(p).getArray();
                    NDArray g = got.get(p).getArray();
                    assertEquals(w.getShape(), g.getShape(), format + " " + p);
                    assertArrayEquals(w.toFloatArray(), g.toFloatArray(), 0f, format + " " + p);
                }
                if ("saelens".equals(format)) {
                    assertTrue(
                            Files.readString(dir.resolve(SaeLensFormat.CONFIG))
                                    .contains("\"architecture\" : \"" + a.saeLensName() + "\""));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void trainingLowersTheLoss(String name) {
        SaeArchitecture a = SaeArchitectures.get(name);
        SaeConfig c = read(a);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            SparseCoder sae = c.toBlock();
            sae.initialize(m, DataType.FLOAT32, c.inputShape());
            ToyFeatures toy = new ToyFeatures(m, 48, D_IN, 0.99, 3, 128);
            // a transcoder's target: a fixed linear map of the input
            NDArray map = m.randomNormal(0f, 0.3f, new Shape(D_IN, D_OUT), DataType.FLOAT32);
            BatchSource source =
                    a.isTranscoder()
                            ? mm -> {
                                NDArray x = toy.next(mm).get(0);
                                NDArray y = x.matMul(map);
                                y.attach(mm);
                                return new NDList(x, y);
                            }
                            : toy;
            SaeTrainer t =
                    new SaeTrainer(
                            sae,
                            new SaeTrainingConfig()
                                    .learningRate(3e-3f)
                                    .l1Coefficient(0.05f)
                                    .l0Coefficient(1e-3f)
                                    .deadTokens(500)
                                    .progress(false));
            try (NDManager s = m.newSubManager()) {
                NDList first = source.next(s);
                t.initialize(first.get(0), a.isTranscoder() ? first.get(1) : null);
            }
            SaeMetrics first;
            try (NDManager s = m.newSubManager()) {
                NDList batch = source.next(s);
                first = t.step(batch.get(0), a.isTranscoder() ? batch.get(1) : null);
            }
            SaeMetrics last = t.fit(source, 60, null);
            System.out.printf(
                    "contract %-16s first %s; last %s%n", name, first.summary(), last.summary());
            assertTrue(
                    Double.isFinite(last.loss()) && last.loss() < first.loss(),
                    name + ": loss " + first.loss() + " -> " + last.loss());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void onnxExportRunsOnOnnxRuntimeLikeOnPyTorch(String name) throws Exception {
        SaeConfig c = read(SaeArchitectures.get(name));
        try (NDManager m = NDManager.newBaseManager()) {
            SparseCoder block = randomBlock(c, m, 31L * name.hashCode());
            Path dir = tmp.resolve("onnx");
            Files.createDirectories(dir);
            OnnxExporter.write(block, c.inputShape(), dir.resolve(OnnxExporter.FILE_NAME));
            for (int batch : new int[] {1, 17}) {
                Shape shape = new Shape(batch, D_IN);
                float[] x = gaussian(shape.size(), 7L * batch + name.length(), 1.5);
                Map<String, float[]> expected = pytorch(block, x, shape);
                Map<String, float[]> actual = onnxRuntime(dir, x, shape);
                assertEquals(expected.keySet(), actual.keySet(), name + ": output names");
                for (String out : expected.keySet()) {
                    double d = maxAbsDiff(expected.get(out), actual.get(out));
                    System.out.printf(
                            "contract %-16s batch %2d %-12s ONNX Runtime vs PyTorch max |diff| %.3g%n",
                            name, batch, out, d);
                    assertTrue(
                            d <= 1e-4, name + " batch " + batch + " " + out + ": max |diff| " + d);
                }
                assertFalse(
                        allZero(expected.get(SparseCoder.FEATURE_ACTS)),
                        name + ": some latents fire");
            }
        }
    }

    /**
     * The block of a config, with seeded random values in every parameter (zero biases would hide a
     * mistake); thresholds positive and of the pre-activations' scale, so that they mask some.
     */
    private static SparseCoder randomBlock(SaeConfig c, NDManager m, long seed) {
        SparseCoder block = c.toBlock();
        block.initialize(m, DataType.FLOAT32, c.inputShape());
        Random r = new Random(seed);
        for (Map.Entry<String, Parameter> e : NamedParameters.of(block).entrySet()) {
            NDArray a = e.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                float g = (float) (r.nextGaussian() * 0.3);
                v[i] = "threshold".equals(e.getKey()) ? Math.abs(g) : g;
            }
            a.set(v);
        }
        return block;
    }

    private static float[] gaussian(long n, long seed, double scale) {
        Random r = new Random(seed);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    private static Map<String, float[]> pytorch(SparseCoder block, float[] data, Shape shape) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList res =
                    block.forward(
                            new ParameterStore(m, false), new NDList(m.create(data, shape)), false);
            for (NDArray a : res) {
                out.put(a.getName(), a.toFloatArray());
            }
        }
        return out;
    }

    private static Map<String, float[]> onnxRuntime(Path dir, float[] data, Shape shape)
            throws Exception {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Model model = Model.newInstance("model", "OnnxRuntime")) {
            model.load(dir);
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
                    NDManager m = model.getNDManager().newSubManager()) {
                NDArray x = m.create(data, shape);
                x.setName(OnnxExporter.INPUT);
                for (NDArray a : p.predict(new NDList(x))) {
                    out.put(a.getName(), a.toFloatArray());
                }
            }
        }
        return out;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length, "lengths");
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            double e = Math.abs(a[i] - b[i]);
            if (Double.isNaN(e)) {
                return Double.NaN;
            }
            d = Math.max(d, e);
        }
        return d;
    }

    private static boolean allZero(float[] v) {
        for (float f : v) {
            if (f != 0f) {
                return false;
            }
        }
        return true;
    }
}
