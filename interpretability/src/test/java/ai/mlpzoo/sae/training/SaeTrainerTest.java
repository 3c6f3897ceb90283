package ai.mlpzoo.sae.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.sae.JumpReLUSae;
import ai.mlpzoo.blocks.sae.SaeArchitecture;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SaeSpec;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.StandardSae;
import ai.mlpzoo.blocks.sae.TopKSae;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(SingleThread.class)
class SaeTrainerTest {

    @Test
    void geometricMedianIsTheMiddlePointOfThreeOnALine() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {0, 0, 1, 0, 10, 0}, new Shape(3, 2));
            assertArrayEquals(new float[] {1, 0}, GeometricMedian.of(p, 200).toFloatArray(), 1e-3f);
        }
    }

    @Test
    void parallelGradientComponentIsRemoved() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            NDArray w = m.randomNormal(new Shape(5, 4));
            w = w.div(w.norm(new int[] {1}, true));
            NDArray g = m.randomNormal(new Shape(5, 4));
            NDArray r = SaeTrainer.removeParallel(g, w);
            float[] dots = r.mul(w).sum(new int[] {1}).toFloatArray();
            for (float d : dots) {
                assertEquals(0f, d, 1e-5f);
            }
        }
    }

    @Test
    void deadLatentsAreCountedInTokens() {
        DeadLatents d = new DeadLatents(3, 100);
        d.update(new boolean[] {true, false, false}, 60);
        assertEquals(0, d.deadCount());
        d.update(new boolean[] {false, true, false}, 60);
        assertArrayEquals(new boolean[] {false, false, true}, d.deadMask());
        assertEquals(1 / 3.0, d.deadFraction(), 1e-9);
    }

    @Test
    void l1WarmUpIsLinear() {
        assertEquals(0.5f, SaeTrainingConfig.warm(2f, 4, 0), 1e-6f);
        assertEquals(2f, SaeTrainingConfig.warm(2f, 4, 3), 1e-6f);
        assertEquals(2f, SaeTrainingConfig.warm(2f, 0, 0), 1e-6f);
    }

    @Test
    void initialisationTiesEncoderAndNormalisesDecoder() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            StandardSae sae = new StandardSae(SaeDims.autoencoder(8, 16));
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            SaeTrainer t =
                    new SaeTrainer(
                            sae,
                            new SaeTrainingConfig()
                                    .progress(false)
                                    .bDecInit(SaeTrainingConfig.BDecInit.MEAN));
            NDArray x = m.randomNormal(new Shape(64, 8)).add(3f);
            t.initialize(x, null);
            NDArray wDec = sae.getWDec().getArray();
            for (float n : wDec.norm(new int[] {1}).toFloatArray()) {
                assertEquals(1f, n, 1e-5f);
            }
            assertTrue(
                    sae.getWEnc().getArray().sub(wDec.transpose()).abs().max().getFloat() < 1e-6f);
            assertTrue(
                    sae.getBDec().getArray().sub(x.mean(new int[] {0})).abs().max().getFloat()
                            < 1e-5f);
        }
    }

    @Test
    void nanBatchIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            TopKSae sae = new TopKSae(SaeDims.autoencoder(4, 8), 2);
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            SaeTrainer t = new SaeTrainer(sae, new SaeTrainingConfig().progress(false));
            NDArray x = m.ones(new Shape(3, 4));
            x.set(new NDIndex(1, 2), Float.NaN);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> t.step(x, null));
            assertTrue(e.getMessage().contains("contains NaN"), e.getMessage());
            assertThrows(
                    IllegalArgumentException.class, () -> t.step(m.ones(new Shape(3, 5)), null));
        }
    }

    /** The JumpReLU L0 penalty reaches the thresholds through the straight-through estimator. */
    @Test
    void jumpReluL0PenaltyLowersL0() {
        double[] l0 = new double[2];
        float[] lambdas = {0f, 0.05f};
        for (int run = 0; run < 2; run++) {
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(4);
                JumpReLUSae sae = new JumpReLUSae(SaeDims.autoencoder(32, 64));
                sae.initialize(m, DataType.FLOAT32, new Shape(1, 32));
                ToyFeatures toy = new ToyFeatures(m, 48, 32, 0.99, 3, 128);
                SaeTrainer t =
                        new SaeTrainer(
                                sae,
                                new SaeTrainingConfig()
                                        .learningRate(3e-3f)
                                        .l0Coefficient(lambdas[run])
                                        .deadTokens(100_000)
                                        .progress(false));
                try (NDManager s = m.newSubManager()) {
                    t.initialize(toy.next(s).get(0), null);
                }
                t.fit(toy, 300, null);
                try (NDManager s = m.newSubManager()) {
                    l0[run] = t.evaluate(toy.next(s).get(0), null).l0();
                }
            }
        }
        System.out.printf(
                "JumpReLU L0 after 300 steps: %.2f without the penalty, %.2f with it%n",
                l0[0], l0[1]);
        assertTrue(
                l0[1] < 0.7 * l0[0], "L0 " + l0[0] + " without the penalty, " + l0[1] + " with it");
    }

    @Test
    void unregisteredSubclassIsRefusedWithTheFix() {
        class Unregistered extends StandardSae {
            Unregistered() {
                super(SaeDims.autoencoder(4, 8));
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Unregistered sae = new Unregistered();
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> new SaeTrainer(sae, new SaeTrainingConfig().progress(false)));
            assertTrue(e.getMessage().contains(Unregistered.class.getName()), e.getMessage());
            assertTrue(e.getMessage().contains("SaeArchitectures.register"), e.getMessage());
        }
    }

    @Test
    void unknownCoefficientIsNamedWithTheSetter() {
        SaeTrainingConfig cfg = new SaeTrainingConfig().l1Coefficient(2f).l1WarmupSteps(4);
        assertEquals(1f, cfg.coefficientAt("l1", 1, "standard"), 1e-6f);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> cfg.coefficientAt("ortho", 0, "mine"));
        assertTrue(
                e.getMessage()
                        .contains("the mine architecture's loss needs the coefficient 'ortho'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("coefficient(\"ortho\", value)"), e.getMessage());
    }

    /**
     * @return every registered autoencoder architecture (the transcoders need targets)
     */
    static Stream<String> autoencoders() {
        return SaeArchitectures.all().stream()
                .filter(a -> !a.isTranscoder())
                .map(SaeArchitecture::name);
    }

    @Test
    void theBuiltInAutoencodersAreRegistered() {
        assertEquals(
                List.of(
                        "standard",
                        "topk",
                        "batchtopk",
                        "jumprelu",
                        "gated",
                        "matryoshka_batchtopk",
                        "mlsae"),
                autoencoders().toList());
    }

    @ParameterizedTest
    @MethodSource("autoencoders")
    void everyArchitectureTrainsWithUnitDecoderRows(String arch) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            SparseCoder sae = SaeArchitectures.get(arch).build(SaeSpec.autoencoder(32, 64, 4));
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 32));
            ToyFeatures toy = new ToyFeatures(m, 48, 32, 0.99, 3, 128);
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
                t.initialize(toy.next(s).get(0), null);
            }
            SaeMetrics first;
            try (NDManager s = m.newSubManager()) {
                first = t.step(toy.next(s).get(0), null);
            }
            SaeMetrics last = t.fit(toy, 80, null);
            System.out.printf("%s: first %s; last %s%n", arch, first.summary(), last.summary());
            assertTrue(last.fvu() < 0.6 * first.fvu(), first.fvu() + " -> " + last.fvu());
            for (float n : sae.getWDec().getArray().norm(new int[] {1}).toFloatArray()) {
                assertEquals(1f, n, 1e-4f);
            }
        }
    }
}
