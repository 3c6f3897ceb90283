package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.common.PooledClassifier;
import ai.mlpzoo.blocks.msmlp.MsMlp;
import ai.mlpzoo.blocks.raftmlp.RaftMlp;
import ai.mlpzoo.blocks.stripmlp.StripMlp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vision references with their own layouts (MS-MLP, RaftMLP, Strip-MLP), exported to ONNX and
 * run on ONNX Runtime, agree with the PyTorch engine within 1e-4 on {@code output} and {@code
 * pre_logits}, at batch sizes 1 and 3, with random weights (no zero-initialised layer to hide a
 * mistake).
 */
class ReferenceVisionOnnxTest {

    @TempDir Path tmp;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(
                        "ms_mlp (fixture arguments: rolls wider than the last map)",
                        (Supplier<PooledClassifier>)
                                () ->
                                        MsMlp.builder()
                                                .setImageSize(32)
                                                .setPatchSize(4)
                                                .setEmbedDim(24)
                                                .setDepths(1, 1, 2)
                                                .optNumClasses(10)
                                                .build()),
                Arguments.of(
                        "ms_mlp without patch_norm, 3 groups",
                        (Supplier<PooledClassifier>)
                                () ->
                                        MsMlp.builder()
                                                .setImageSize(16)
                                                .setPatchSize(2)
                                                .setEmbedDim(12)
                                                .setDepths(1, 1)
                                                .optShiftSize(3)
                                                .optShiftDist(-1, 0, 3)
                                                .optMixSize(new int[][] {{3, 1, 5}, {1, 3, 3}})
                                                .optPatchNorm(false)
                                                .optInChannels(1)
                                                .optNumClasses(5)
                                                .build()),
                Arguments.of(
                        "raft_mlp (raft_mlp_tiny arguments: emb_mixer, no shortcut)",
                        (Supplier<PooledClassifier>)
                                () ->
                                        RaftMlp.builder()
                                                .setLevels(
                                                        List.of(
                                                                new RaftMlp.Level(
                                                                        1, 32, 4, 2, null),
                                                                new RaftMlp.Level(
                                                                        1, 48, 2, 4, null)))
                                                .setImageSize(32)
                                                .optNumClasses(10)
                                                .optShortcut(false)
                                                .build()),
                Arguments.of(
                        "raft_mlp (cross-scale embedding, three levels with shortcut heads)",
                        (Supplier<PooledClassifier>)
                                () ->
                                        RaftMlp.builder()
                                                .setLevels(
                                                        List.of(
                                                                new RaftMlp.Level(
                                                                        1,
                                                                        24,
                                                                        4,
                                                                        2,
                                                                        new int[] {4, 8, 12}),
                                                                new RaftMlp.Level(
                                                                        2,
                                                                        32,
                                                                        2,
                                                                        4,
                                                                        new int[] {2, 4}),
                                                                new RaftMlp.Level(
                                                                        1,
                                                                        16,
                                                                        2,
                                                                        8,
                                                                        new int[] {2})))
                                                .setImageSize(32)
                                                .optInChannels(2)
                                                .optNumClasses(7)
                                                .optCrossScaleEmbedding(true)
                                                .optShortcut(true)
                                                .build()),
                Arguments.of(
                        "strip_mlp (strip_mlp_tiny arguments)",
                        (Supplier<PooledClassifier>)
                                () ->
                                        StripMlp.builder()
                                                .setImageSize(32)
                                                .setPatchSize(2)
                                                .setEmbedDim(20)
                                                .setLayers(1, 1, 1, 1)
                                                .optNumClasses(10)
                                                .build()),
                Arguments.of(
                        "strip_mlp (Fashion-MNIST's 28 x 28 at patch 2: maps 14, 7, 3, 1)",
                        (Supplier<PooledClassifier>)
                                () ->
                                        StripMlp.builder()
                                                .setImageSize(28)
                                                .setPatchSize(2)
                                                .setEmbedDim(20)
                                                .setLayers(1, 1, 1, 1)
                                                .optInChannels(1)
                                                .optNumClasses(10)
                                                .build()),
                Arguments.of(
                        "strip_mlp (80 channels: groups of C / 4, two blocks in stage 3)",
                        (Supplier<PooledClassifier>)
                                () ->
                                        StripMlp.builder()
                                                .setImageSize(16)
                                                .setPatchSize(2)
                                                .setEmbedDim(80)
                                                .setLayers(0, 1, 2, 1)
                                                .optInChannels(1)
                                                .optNumClasses(4)
                                                .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void onnxRuntimeMatchesPyTorch(String name, Supplier<PooledClassifier> factory)
            throws Exception {
        PooledClassifier model = factory.get();
        Shape one = model.getInputShape();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.initialize(m, DataType.FLOAT32, one);
            OrtRunner.randomize(model, 11);
            if (model instanceof StripMlp) {
                // N(0, 0.3) in every convolution of Strip-MLP's deep unnormalised branches gives
                // logits of 1e6 and more, where float32 rounding alone exceeds 1e-4: keep the
                // random weights small enough for the activations to stay near 1
                for (Parameter p : NamedParameters.of(model).values()) {
                    if (p.getType() == Parameter.Type.WEIGHT
                            || p.getType() == Parameter.Type.BIAS) {
                        p.getArray().muli(0.15f);
                    }
                }
            }
            Path dir = OrtRunner.export(model, one, tmp.resolve("m"));
            for (int batch : new int[] {1, 3}) {
                Shape shape = new Shape(batch).addAll(one.slice(1));
                float[] data = OrtRunner.random(shape.size(), 5 + batch, 1.0);
                Map<String, float[]> pt = OrtRunner.pytorch(model, data, shape);
                Map<String, float[]> ort = OrtRunner.onnxRuntime(dir, data, shape);
                assertEquals(pt.keySet(), ort.keySet());
                for (String out : pt.keySet()) {
                    double d = OrtRunner.maxAbsDiff(pt.get(out), ort.get(out));
                    double scale = OrtRunner.maxAbsDiff(pt.get(out), new float[pt.get(out).length]);
                    System.out.printf(
                            "%s batch %d %s: max abs diff %.3g (max |value| %.3g)%n",
                            name, batch, out, d, scale);
                    assertTrue(d < 1e-4, name + " " + out + " differs by " + d);
                }
            }
        }
    }
}
