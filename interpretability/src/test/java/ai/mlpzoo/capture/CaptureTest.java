package ai.mlpzoo.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.TopKSae;
import ai.mlpzoo.blocks.sae.Transcoder;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.MixerConfig;
import ai.mlpzoo.sae.training.SaeMetrics;
import ai.mlpzoo.sae.training.SaeTrainer;
import ai.mlpzoo.sae.training.SaeTrainingConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(ai.mlpzoo.sae.training.SingleThread.class)
class CaptureTest {

    /** A small randomly initialised Fashion-MNIST Mixer (2 blocks, width 32). */
    static MlpMixer mixer(NDManager m) {
        Engine.getInstance().setRandomSeed(11);
        MixerConfig cfg = Configs.mixerVariant("mixer_fmnist");
        cfg.numBlocks = 2;
        cfg.embedDim = 32;
        MlpMixer model = cfg.toBlock();
        model.initialize(m, DataType.FLOAT32, cfg.inputShape());
        // timm zero-inits the head; give it weights so the logits depend on the blocks
        model.getParameters()
                .forEach(
                        p -> {
                            if (p.getKey().startsWith("head")) {
                                p.getValue()
                                        .getArray()
                                        .set(
                                                m.randomNormal(p.getValue().getShape())
                                                        .mul(0.1f)
                                                        .toFloatArray());
                            }
                        });
        return model;
    }

    static NDArray images(NDManager m, int n) {
        return m.randomNormal(new Shape(n, 1, 28, 28));
    }

    @Test
    void blockOutputMatchesForwardIntermediatesAndModelIsRestored() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = mixer(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = images(m, 3);
            List<String> before = List.copyOf(NamedParameters.of(model).keySet());
            NDArray logits = model.forward(ps, new NDList(x), false).head();
            NDArray expected = model.forwardIntermediates(ps, x, false).get(1); // blocks.1
            NDArray captured;
            try (Capture c = Capture.install(model, "blocks.1")) {
                NDArray hooked = model.forward(ps, new NDList(x), false).head();
                assertEquals(
                        0f, hooked.sub(logits).abs().max().getFloat(), "the hook changes nothing");
                captured = c.output();
            }
            assertEquals(new Shape(3, 49, 32), captured.getShape());
            assertTrue(captured.sub(expected).abs().max().getFloat() < 1e-6f);
            assertEquals(before, List.copyOf(NamedParameters.of(model).keySet()));
            assertSame(model.getLayers().get(1), HookPoints.find(model, "blocks.1"));
            assertTrue(model.getLayers().stream().noneMatch(b -> b instanceof Hook));
        }
    }

    @Test
    void channelMlpInputAndOutputForTranscoders() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = mixer(m);
            ParameterStore ps = new ParameterStore(m, false);
            Block mlp = HookPoints.find(model, "blocks.0.mlp_channels");
            try (Capture c = Capture.install(model, "blocks.0.mlp_channels")) {
                model.forward(ps, new NDList(images(m, 2)), false);
                NDArray in = c.input();
                NDArray out = c.output();
                assertEquals(new Shape(2, 49, 32), in.getShape());
                NDArray direct = mlp.forward(ps, new NDList(in), false).head();
                assertTrue(out.sub(direct).abs().max().getFloat() < 1e-6f);
            }
        }
    }

    /**
     * Every family's block and channel MLP can be hooked and spliced, and the model is restored.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mixer", "resmlp", "gmlp"})
    void everyFamilysBlockAndChannelMlpAreHookPoints(String family) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            MixerConfig cfg = Configs.mixerVariant(family + "_fmnist");
            cfg.numBlocks = 2;
            cfg.embedDim = 16;
            MlpMixer model = cfg.toBlock();
            model.initialize(m, DataType.FLOAT32, cfg.inputShape());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = images(m, 2);
            NDArray clean = model.forwardFeatures(ps, x, false);
            for (String point : new String[] {"blocks.1", "blocks.1.mlp_channels"}) {
                Block original = HookPoints.find(model, point);
                try (Capture c = Capture.install(model, point)) {
                    NDArray hooked = model.forwardFeatures(ps, x, false);
                    assertEquals(
                            0f,
                            hooked.sub(clean).abs().max().getFloat(),
                            point + ": the hook changes nothing");
                    assertEquals(new Shape(2, 49, 16), c.output().getShape(), point);
                }
                // splicing zeros into the channel MLP changes the features
                try (Capture c = Capture.splice(model, point, (in, out) -> out.zerosLike())) {
                    NDArray spliced = model.forwardFeatures(ps, x, false);
                    assertTrue(
                            spliced.sub(clean).abs().max().getFloat() > 0f,
                            point + ": the splice takes effect");
                }
                assertSame(original, HookPoints.find(model, point), point + " restored");
            }
        }
    }

    /**
     * Capture listens at hook points the blocks declare: the model's children stay the same objects
     * while a capture is open (nothing is swapped, by reflection or otherwise), and the names are
     * timm's module paths.
     */
    @Test
    void hookPointsAreDeclaredByTheBlocksAndNothingIsSwapped() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = mixer(m);
            List<String> perBlock =
                    List.of(
                            "",
                            ".norm1",
                            ".mlp_tokens",
                            ".mlp_tokens.fc1",
                            ".mlp_tokens.fc2",
                            ".norm2",
                            ".mlp_channels",
                            ".mlp_channels.fc1",
                            ".mlp_channels.fc2");
            List<String> expected = new java.util.ArrayList<>(List.of("stem", "stem.proj"));
            for (String b : new String[] {"blocks.0", "blocks.1"}) {
                perBlock.forEach(suffix -> expected.add(b + suffix));
            }
            expected.addAll(List.of("norm", "head"));
            assertEquals(expected, HookPoints.names(model));
            assertEquals(expected, List.copyOf(HookPoints.declared(model).keySet()));

            List<Block> children = List.copyOf(model.getChildren().values());
            Block mlp = HookPoints.find(model, "blocks.1.mlp_channels");
            List<Block> mlpChildren = List.copyOf(mlp.getChildren().values());
            HookPoint point = HookPoints.declared(model).get("blocks.1.mlp_channels");
            ParameterStore ps = new ParameterStore(m, false);
            try (Capture c = Capture.install(model, "blocks.1.mlp_channels")) {
                assertTrue(point.hasListeners());
                model.forward(ps, new NDList(images(m, 2)), false);
                assertEquals(new Shape(2, 49, 32), c.output().getShape());
                assertIdentical(children, model.getChildren().values());
                assertIdentical(mlpChildren, mlp.getChildren().values());
                assertSame(mlp, HookPoints.find(model, "blocks.1.mlp_channels"));
            }
            assertFalse(point.hasListeners(), "closing detaches the listener");
        }
    }

    private static void assertIdentical(List<Block> expected, List<Block> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertSame(expected.get(i), actual.get(i), "child " + i);
        }
    }

    @Test
    void sequentialBlockChildByPosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net =
                    new SequentialBlock()
                            .add(Linear.builder().setUnits(8).build())
                            .add(Activation.reluBlock())
                            .add(Linear.builder().setUnits(4).build());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 5));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(6, 5));
            NDArray first = net.getChildren().valueAt(0).forward(ps, new NDList(x), false).head();
            try (Capture c = Capture.install(net, "1")) {
                NDArray y = net.forward(ps, new NDList(x), false).head();
                assertEquals(new Shape(6, 4), y.getShape());
                assertTrue(c.output().sub(Activation.relu(first)).abs().max().getFloat() < 1e-6f);
                assertTrue(c.input().sub(first).abs().max().getFloat() < 1e-6f);
            }
            assertTrue(net.getChildren().values().stream().noneMatch(b -> b instanceof Hook));
        }
    }

    @Test
    void unknownHookPointListsTheKnownOnes() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = mixer(m);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> Capture.install(model, "blocks.7.mlp_channels"));
            assertTrue(
                    e.getMessage().contains("no hook point 'blocks.7.mlp_channels'"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("blocks.1.mlp_channels"), e.getMessage());
        }
    }

    @Test
    void streamsActivationsIntoSaeAndTranscoderTraining() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = mixer(m);
            // SAE on a block's residual output: 8 images x 49 tokens per forward pass
            ActivationBuffer buffer = new ActivationBuffer(1024, 32, 0, 1);
            ActivationStream stream =
                    new ActivationStream(
                            model, "blocks.1", mm -> images(mm, 8), buffer, false, 128, m);
            TopKSae sae = new TopKSae(SaeDims.autoencoder(32, 128), 8);
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 32));
            SaeTrainer trainer =
                    new SaeTrainer(
                            sae, new SaeTrainingConfig().learningRate(3e-3f).progress(false));
            try (NDManager s = m.newSubManager()) {
                trainer.initialize(stream.next(s).get(0), null);
            }
            SaeMetrics first = trainer.step(stream.next(m).get(0), null);
            SaeMetrics last = trainer.fit(stream, 80, null);
            System.out.printf("stream SAE: first %s; last %s%n", first.summary(), last.summary());
            assertEquals(1024, buffer.size());
            assertTrue(last.fvu() < 0.5 * first.fvu(), first.fvu() + " -> " + last.fvu());

            // transcoder on a channel MLP's (input, output) pairs
            ActivationBuffer pairs = new ActivationBuffer(1024, 32, 32, 2);
            ActivationStream tstream =
                    new ActivationStream(
                            model,
                            "blocks.0.mlp_channels",
                            mm -> images(mm, 8),
                            pairs,
                            true,
                            128,
                            m);
            Transcoder tc = new Transcoder(32, 128, 32, true);
            tc.initialize(m, DataType.FLOAT32, new Shape(1, 32));
            SaeTrainer tt =
                    new SaeTrainer(
                            tc,
                            new SaeTrainingConfig()
                                    .learningRate(3e-3f)
                                    .l1Coefficient(1e-3f)
                                    .progress(false));
            NDList sample = tstream.next(m);
            tt.initialize(sample.get(0), sample.get(1));
            NDList b0 = tstream.next(m);
            SaeMetrics tFirst = tt.step(b0.get(0), b0.get(1));
            SaeMetrics tLast = tt.fit(tstream, 80, null);
            System.out.printf(
                    "stream transcoder: first %s; last %s%n", tFirst.summary(), tLast.summary());
            assertTrue(tLast.fvu() < 0.5 * tFirst.fvu(), tFirst.fvu() + " -> " + tLast.fvu());
        }
    }
}
