package ai.mlpzoo.blocks.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.msmlp.MsMlp;
import ai.mlpzoo.blocks.raftmlp.RaftMlp;
import ai.mlpzoo.blocks.stripmlp.StripMlp;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MS-MLP, RaftMLP and Strip-MLP train: plain SGD on one fixed batch lowers the cross-entropy (the
 * training path: stochastic depth, dropout, BatchNorm with batch statistics), and Strip-MLP's
 * BatchNorm running statistics move while training.
 */
class PooledClassifierTrainingTest {

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(
                        "ms_mlp",
                        (Supplier<PooledClassifier>)
                                () ->
                                        MsMlp.builder()
                                                .setImageSize(16)
                                                .setPatchSize(2)
                                                .setEmbedDim(10)
                                                .setDepths(1, 1)
                                                .optInChannels(1)
                                                .optNumClasses(4)
                                                .build()),
                Arguments.of(
                        "raft_mlp",
                        (Supplier<PooledClassifier>)
                                () ->
                                        RaftMlp.builder()
                                                .setLevels(
                                                        List.of(
                                                                new RaftMlp.Level(
                                                                        1,
                                                                        16,
                                                                        4,
                                                                        2,
                                                                        new int[] {4, 8}),
                                                                new RaftMlp.Level(
                                                                        1,
                                                                        24,
                                                                        2,
                                                                        4,
                                                                        new int[] {2})))
                                                .setImageSize(16)
                                                .optInChannels(1)
                                                .optNumClasses(4)
                                                .optCrossScaleEmbedding(true)
                                                .optShortcut(true)
                                                .optDropPathRate(0.1f)
                                                .build()),
                Arguments.of(
                        "strip_mlp",
                        (Supplier<PooledClassifier>)
                                () ->
                                        StripMlp.builder()
                                                .setImageSize(16)
                                                .setPatchSize(2)
                                                .setEmbedDim(8)
                                                .setLayers(1, 1, 1, 1)
                                                .optInChannels(1)
                                                .optNumClasses(4)
                                                .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void sgdLowersTheLoss(String name, Supplier<PooledClassifier> factory) {
        PooledClassifier model = factory.get();
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            Shape one = model.getInputShape();
            NDArray x = m.randomNormal(new Shape(8).addAll(one.slice(1)));
            NDArray labels = m.create(new int[] {0, 1, 2, 3, 0, 1, 2, 3});
            NDArray bnMean = null;
            for (var e : NamedParameters.of(model).entrySet()) {
                if (e.getKey().equals("norm.running_mean")) {
                    bnMean = e.getValue().getArray().duplicate();
                }
            }
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 25; step++) {
                try (NDManager sub = m.newSubManager();
                        GradientCollector gc = m.getEngine().newGradientCollector()) {
                    NDArray logits =
                            model.forward(new ParameterStore(sub, false), new NDList(x), true)
                                    .head();
                    NDArray logp = logits.logSoftmax(1); // (8, 4)
                    NDArray loss =
                            logp.get(
                                            new ai.djl.ndarray.index.NDIndex()
                                                    .addAllDim()
                                                    .addPickDim(labels.reshape(8, 1)))
                                    .neg()
                                    .mean();
                    float value = loss.getFloat();
                    if (step == 0) {
                        first = value;
                    }
                    last = value;
                    gc.backward(loss);
                }
                for (Parameter p : NamedParameters.of(model).values()) {
                    if (p.requiresGradient()) {
                        NDArray a = p.getArray();
                        a.subi(a.getGradient().mul(0.05f));
                    }
                }
            }
            System.out.printf(
                    "%s: cross-entropy %.4f -> %.4f after 25 SGD steps%n", name, first, last);
            assertTrue(
                    Float.isFinite(last) && last < 0.7f * first,
                    name + ": " + first + " -> " + last);
            if (bnMean != null) {
                NDArray now = NamedParameters.of(model).get("norm.running_mean").getArray();
                assertTrue(now.sub(bnMean).abs().max().getFloat() > 0, "running statistics move");
            }
        }
    }
}
