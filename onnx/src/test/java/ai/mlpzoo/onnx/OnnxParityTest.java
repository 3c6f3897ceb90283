package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.kan.FANLayer;
import ai.mlpzoo.blocks.kan.FastKAN;
import ai.mlpzoo.blocks.kan.GroupRational;
import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.blocks.kan.KanOptions;
import ai.mlpzoo.blocks.kan.RationalInit;
import ai.mlpzoo.blocks.sae.BatchTopKSae;
import ai.mlpzoo.blocks.sae.GatedSae;
import ai.mlpzoo.blocks.sae.JumpReLUSae;
import ai.mlpzoo.blocks.sae.MatryoshkaBatchTopKSae;
import ai.mlpzoo.blocks.sae.MultiLayerSae;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.StandardSae;
import ai.mlpzoo.blocks.sae.TopKSae;
import ai.mlpzoo.blocks.sae.Transcoder;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.data.FashionMnist;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every family exported to ONNX and run on ONNX Runtime agrees with the PyTorch engine within 1e-4
 * at batch sizes 1 and 17, on random inputs and on real ones (Fashion-MNIST images for the image
 * models, the trained gMLP's pooled features of them for the vector models); random weights, so
 * that no zero-initialised layer hides a mistake.
 */
class OnnxParityTest {

    private static NDManager manager;

    @TempDir Path tmp;

    /**
     * Real inputs: 17 Fashion-MNIST test images, and the trained gMLP's 64 pooled features of them.
     */
    private static float[] images;

    private static float[] features;

    @BeforeAll
    static void open() throws Exception {
        manager = NDManager.newBaseManager("PyTorch");
        FashionMnist test = FashionMnist.embeddedTestSlice();
        int[] idx = new int[17];
        java.util.Arrays.setAll(idx, i -> 5 * i + 1);
        Criteria<NDList, NDList> gmlp =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("gmlp")
                        .optFilter("variant", "fmnist")
                        .optEngine("PyTorch")
                        .build();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                ZooModel<NDList, NDList> model = gmlp.loadModel();
                Predictor<NDList, NDList> p = model.newPredictor()) {
            NDArray x = test.batch(m, idx);
            images = x.toFloatArray();
            features = p.predict(new NDList(x)).get(1).toFloatArray(); // pre_logits, (17, 64)
        }
        assertEquals(17 * 64, features.length);
    }

    /** The first {@code batch} samples of the real inputs that fit the shape, or null. */
    static float[] real(Shape shape) {
        long per = shape.size() / shape.get(0);
        float[] src = per == 28 * 28 ? images : per == 64 ? features : null;
        return src == null ? null : java.util.Arrays.copyOf(src, (int) shape.size());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static ModelConfig zooConfig(String artifact) throws Exception {
        String res = "/ai/mlpzoo/zoo/models/" + artifact + "/fmnist/architecture.json";
        try (InputStream is = OnnxParityTest.class.getResourceAsStream(res)) {
            return Configs.read(is.readAllBytes(), res);
        }
    }

    static ModelConfig kanMixer() {
        String json =
                "{\"model_type\":\"kan_mixer\",\"name\":\"t\",\"img_size\":28,\"in_chans\":1,\"patch_size\":7,"
                        + "\"num_blocks\":2,\"embed_dim\":16,\"mlp_ratio\":[0.5,2.0],\"num_classes\":5,\"num_groups\":4,"
                        + "\"act_init\":\"gelu\"}";
        return Configs.read(
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "kan_mixer test config");
    }

    static Stream<Arguments> families() {
        SaeDims ae = SaeDims.autoencoder(64, 96);
        return Stream.of(
                family("mixer", () -> cfg("mixer")),
                family("resmlp", () -> cfg("resmlp")),
                family("gmlp", () -> cfg("gmlp")),
                family("kan_mixer", () -> new Built(kanMixer().toBlock(), kanMixer().inputShape())),
                // an injected activation reaches the graph: a ResMLP whose MLPs use SiLU
                family(
                        "resmlp_silu",
                        () ->
                                new Built(
                                        ai.mlpzoo.blocks.mixer.MlpMixer.builder()
                                                .setImageSize(28)
                                                .setPatchSize(7)
                                                .setEmbedDim(16)
                                                .setNumBlocks(2)
                                                .optInChannels(1)
                                                .optNumClasses(5)
                                                .setFamily(
                                                        ai.mlpzoo.blocks.mixer.MixerFamily.RESMLP
                                                                .withActLayer(BaseActivation.SILU))
                                                .build(),
                                        new Shape(1, 1, 28, 28))),
                family(
                        "kan_bspline",
                        () ->
                                new Built(
                                        new KAN(new int[] {64, 7, 3}, KanOptions.defaults()),
                                        new Shape(1, 64))),
                family(
                        "kan_bspline_order2_gelu",
                        () ->
                                new Built(
                                        new KAN(
                                                new int[] {64, 3},
                                                KanOptions.defaults()
                                                        .withSplineOrder(2)
                                                        .withGridSize(7)
                                                        .withBaseActivation(BaseActivation.GELU)
                                                        .withStandaloneScaler(false)),
                                        new Shape(1, 64))),
                family(
                        "fastkan",
                        () ->
                                new Built(
                                        new FastKAN(
                                                new int[] {64, 8, 3},
                                                -2,
                                                2,
                                                8,
                                                true,
                                                true,
                                                1e-5,
                                                BaseActivation.SILU,
                                                0.1),
                                        new Shape(1, 64))),
                family(
                        "gr_kan",
                        () ->
                                new Built(
                                        new GroupRational(4, RationalInit.GELU),
                                        new Shape(1, 4, 16))),
                family("fan", () -> new Built(new FANLayer(12), new Shape(1, 64))),
                family("sae_standard", () -> new Built(new StandardSae(ae), new Shape(1, 64))),
                family("sae_topk", () -> new Built(new TopKSae(ae, 6), new Shape(1, 64))),
                family("sae_batchtopk", () -> new Built(new BatchTopKSae(ae, 6), new Shape(1, 64))),
                family("sae_jumprelu", () -> new Built(new JumpReLUSae(ae), new Shape(1, 64))),
                family("sae_gated", () -> new Built(new GatedSae(ae), new Shape(1, 64))),
                family(
                        "sae_matryoshka",
                        () ->
                                new Built(
                                        new MatryoshkaBatchTopKSae(ae, 6, List.of(16, 32, 48)),
                                        new Shape(1, 64))),
                family("sae_mlsae", () -> new Built(new MultiLayerSae(ae, 6), new Shape(1, 64))),
                // attention-output SAEs: hook_z (batch, 4 heads, d_head 16) in and out
                family("sae_standard_hook_z", () -> hookZ(new StandardSae(ae))),
                family("sae_topk_hook_z", () -> hookZ(new TopKSae(ae, 6))),
                family("sae_mlsae_hook_z", () -> hookZ(new MultiLayerSae(ae, 6))),
                // a hook_z SAE given its input already flat, as a float[] request arrives
                family(
                        "sae_topk_hook_z_flat",
                        () -> new Built(hookZ(new TopKSae(ae, 6)).block(), new Shape(1, 64))),
                family(
                        "transcoder_skip",
                        () -> new Built(new Transcoder(64, 40, 12, true), new Shape(1, 64))),
                family(
                        "transcoder",
                        () -> new Built(new Transcoder(64, 40, 12, false), new Shape(1, 64))));
    }

    record Built(Block block, Shape inputShape) {}

    static Built hookZ(SparseCoder sae) {
        sae.setReshapeHookZ(true);
        return new Built(sae, new Shape(1, 4, 16));
    }

    static Built cfg(String artifact) {
        try {
            ModelConfig c = zooConfig(artifact);
            return new Built(c.toBlock(), c.inputShape());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Arguments family(String name, Supplier<Built> s) {
        return Arguments.of(name, s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void onnxRuntimeMatchesPyTorch(String name, Supplier<Built> make) throws Exception {
        Built built = make.get();
        Block block = built.block();
        block.initialize(manager, DataType.FLOAT32, built.inputShape());
        OrtRunner.randomize(block, name.hashCode());
        for (Parameter p : NamedParameters.of(block).values()) {
            if ("threshold"
                    .equals(p.getName())) { // JumpReLU / BatchTopK: thresholds that mask some
                float[] t = OrtRunner.random(p.getArray().size(), 7, 0.3);
                for (int i = 0; i < t.length; i++) {
                    t[i] = Math.abs(t[i]);
                }
                manager.create(t, p.getArray().getShape()).copyTo(p.getArray());
            }
        }
        Path dir = OrtRunner.export(block, built.inputShape(), tmp.resolve(name));
        for (int batch : new int[] {1, 17}) {
            Shape shape = new Shape(batch).addAll(built.inputShape().slice(1));
            // scale 1.5: the KAN inputs cross the grid range and the rational's |x| = 1 seam
            float[] random = OrtRunner.random(shape.size(), 31L * batch + name.length(), 1.5);
            float[] real = real(shape);
            assertTrue(real != null, name + ": no real inputs of shape " + shape);
            for (float[] x : new float[][] {random, real}) {
                String kind = x == random ? "random" : "real";
                Map<String, float[]> expected = OrtRunner.pytorch(block, x, shape);
                Map<String, float[]> actual = OrtRunner.onnxRuntime(dir, x, shape);
                assertEquals(expected.keySet(), actual.keySet(), name + ": output names");
                for (String out : expected.keySet()) {
                    double d = OrtRunner.maxAbsDiff(expected.get(out), actual.get(out));
                    System.out.printf(
                            "%-24s %-6s batch %2d %-12s max |diff| %.3g%n",
                            name, kind, batch, out, d);
                    assertTrue(
                            d <= 1e-4,
                            name
                                    + " "
                                    + kind
                                    + " batch "
                                    + batch
                                    + " "
                                    + out
                                    + ": max |diff| "
                                    + d);
                }
            }
        }
    }
}
