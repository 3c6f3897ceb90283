package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.timeseries.Forecaster;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.MlpNorm;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.PatchTsMixer;
import ai.mlpzoo.blocks.timeseries.patchtsmixer.Scaling;
import ai.mlpzoo.blocks.timeseries.tsmixer.TsMixer;
import ai.mlpzoo.blocks.timeseries.tsmixer.TsMixerNorm;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The time-series forecasters exported to ONNX and run on ONNX Runtime: the reference fixtures'
 * checkpoints reproduce the references' forecasts within 1e-4, and every other path (BatchNorm
 * mixers, mix_channel, self-attention, positional encoding, mean scaling, selected channels, a
 * stride unlike the patch length; TSMixer's layer norm, GELU, post-norm and channel projection)
 * agrees with the PyTorch engine on random weights.
 */
class TimeSeriesOnnxParityTest {

    @TempDir Path tmp;

    private static Path reference() {
        return Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference")
                .toAbsolutePath()
                .normalize();
    }

    @ParameterizedTest
    @CsvSource({"tsmixer_google_tiny, tsmixer_google", "patchtsmixer_tiny, patchtsmixer"})
    void fixtureCheckpointsReproduceTheReferenceOnOnnxRuntime(String fixture, String modelType)
            throws Exception {
        Path dir = reference().resolve("timeseries").resolve(fixture);
        ObjectNode tree = (ObjectNode) Configs.MAPPER.readTree(dir.resolve("config.json").toFile());
        tree.remove("reference");
        tree.put("model_type", modelType);
        ModelConfig config = Configs.read(Configs.toJson(tree).getBytes(), fixture);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Block block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            Map<String, Parameter> params = NamedParameters.of(block);
            for (NDArray t : SafeTensors.read(manager, dir.resolve("model.safetensors"))) {
                if (!t.getName().endsWith("num_batches_tracked")) {
                    t.copyTo(params.get(t.getName()).getArray());
                }
            }
            NDList io =
                    SafeTensors.read(
                            manager,
                            reference().resolve("timeseries").resolve(fixture + ".io.safetensors"));
            NDArray input = find(io, "input");
            float[] want = find(io, "output").toFloatArray();
            Path exported = OrtRunner.export(block, config.inputShape(), tmp.resolve(fixture));
            float[] ort =
                    OrtRunner.onnxRuntime(exported, input.toFloatArray(), input.getShape())
                            .get("output");
            double diff = OrtRunner.maxAbsDiff(ort, want);
            System.out.printf("ONNX Runtime %s vs reference: %.3g%n", fixture, diff);
            assertTrue(diff < 1e-4, fixture + " ONNX output differs from the reference by " + diff);
        }
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                variant(
                        "patchtsmixer_mix_channel_batchnorm_attention",
                        () ->
                                PatchTsMixer.builder()
                                        .contextLength(30)
                                        .patchLength(8)
                                        .patchStride(5)
                                        .numInputChannels(3)
                                        .dModel(8)
                                        .numLayers(2)
                                        .mode(PatchTsMixer.Mode.MIX_CHANNEL)
                                        .normMlp(MlpNorm.BATCH)
                                        .selfAttn(true)
                                        .selfAttnHeads(2)
                                        .usePositionalEncoding(true)
                                        .scaling(Scaling.MEAN)
                                        .predictionLength(6)
                                        .predictionChannelIndices(new int[] {2, 0})
                                        .build()),
                variant(
                        "patchtsmixer_ungated_unscaled",
                        () ->
                                PatchTsMixer.builder()
                                        .contextLength(24)
                                        .patchLength(6)
                                        .patchStride(6)
                                        .numInputChannels(2)
                                        .dModel(4)
                                        .numLayers(1)
                                        .gatedAttn(false)
                                        .scaling(Scaling.NONE)
                                        .predictionLength(5)
                                        .build()),
                variant(
                        "tsmixer_layernorm_gelu_postnorm_projection",
                        () ->
                                new TsMixer(
                                        20,
                                        7,
                                        3,
                                        2,
                                        BaseActivation.GELU,
                                        3,
                                        0.1f,
                                        8,
                                        false,
                                        TsMixerNorm.Type.LAYER)),
                variant(
                        "tsmixer_batchnorm_projection",
                        () ->
                                new TsMixer(
                                        16,
                                        4,
                                        2,
                                        3,
                                        BaseActivation.RELU,
                                        2,
                                        0.1f,
                                        5,
                                        true,
                                        TsMixerNorm.Type.BATCH)),
                variant(
                        "tsmixer_rev_in",
                        () ->
                                new TsMixer(
                                        16,
                                        4,
                                        3,
                                        3,
                                        BaseActivation.RELU,
                                        3,
                                        0.9f,
                                        6,
                                        true,
                                        TsMixerNorm.Type.BATCH,
                                        true)));
    }

    private static Arguments variant(String name, Supplier<Block> block) {
        return Arguments.of(name, block);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyPathAgreesWithPyTorch(String name, Supplier<Block> make) throws Exception {
        Block block = make.get();
        Forecaster f = (Forecaster) block;
        Shape one = new Shape(1, f.contextLength(), f.inputChannels());
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            block.initialize(manager, DataType.FLOAT32, one);
            randomizeAll(block, 11);
            Shape batch = new Shape(5, f.contextLength(), f.inputChannels());
            float[] x = OrtRunner.random(batch.size(), 5, 2.0);
            for (int i = 0; i < x.length; i++) {
                x[i] += 3f; // a level, so that the scalers have something to remove
            }
            float[] torch = OrtRunner.pytorch(block, x, batch).get("output");
            Path exported = OrtRunner.export(block, one, tmp.resolve(name));
            float[] ort = OrtRunner.onnxRuntime(exported, x, batch).get("output");
            double diff = OrtRunner.maxAbsDiff(ort, torch);
            System.out.printf("ONNX Runtime %s vs PyTorch: %.3g%n", name, diff);
            assertTrue(diff < 1e-4, name + " differs by " + diff);
        }
    }

    /** Random values for every parameter, norms' included. */
    private static void randomizeAll(Block block, long seed) {
        Random r = new Random(seed);
        for (Map.Entry<String, Parameter> e : NamedParameters.of(block).entrySet()) {
            NDArray a = e.getValue().getArray();
            float[] v = new float[(int) a.size()];
            // variances positive; RevIN's affine weight away from 0, which its inverse divides by
            boolean variance =
                    e.getKey().endsWith("running_var") || e.getKey().endsWith("affine_weight");
            for (int i = 0; i < v.length; i++) {
                double g = r.nextGaussian() * 0.3;
                v[i] = (float) (variance ? 0.5 + Math.abs(g) : g);
            }
            try (NDArray n = a.getManager().create(v, a.getShape())) {
                n.copyTo(a);
            }
        }
    }

    private static NDArray find(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no " + name);
    }
}
