package ai.mlpzoo.sae.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.StandardSae;
import ai.mlpzoo.blocks.sae.TopKSae;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ground-truth recovery (Sharkey et al. 2022 toy, as HoagyC/sparse_coding): 512 unit features in
 * R^256, frequencies ~ 0.99^i with 5 active on average, strengths U(0, 1); a 1024-latent SAE must
 * reach mean max cosine similarity >= 0.95 with the truth.
 */
@ExtendWith(SingleThread.class)
class ToyRecoveryTest {

    static int steps(String which, int dflt) {
        return Integer.getInteger("toy." + which + ".steps", dflt);
    }

    static double train(String name, SparseCoder sae, SaeTrainingConfig cfg, int steps, int batch) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(42);
            ToyFeatures toy = new ToyFeatures(m, 512, 256, 0.99, 5, batch);
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 256));
            SaeTrainer trainer = new SaeTrainer(sae, cfg);
            try (NDManager s = m.newSubManager()) {
                NDArray sample = toy.next(s).get(0);
                trainer.initialize(sample, null);
            }
            long t0 = System.nanoTime();
            SaeMetrics last =
                    trainer.fit(
                            toy,
                            steps,
                            mt -> {
                                if (mt.step() % 250 == 249) {
                                    System.out.printf(
                                            "%n%s step %d MMCS %.4f%n",
                                            name,
                                            mt.step() + 1,
                                            ToyFeatures.mmcs(
                                                    toy.features(), sae.getWDec().getArray()));
                                }
                            });
            double secs = (System.nanoTime() - t0) / 1e9;
            SaeMetrics eval;
            try (NDManager s = m.newSubManager()) {
                eval = trainer.evaluate(toy.next(s).get(0), null);
            }
            double mmcs = ToyFeatures.mmcs(toy.features(), sae.getWDec().getArray());
            System.out.printf(
                    "%s toy: %d steps x %d in %.1fs; MMCS %.4f; eval %s; last step loss %.4g%n",
                    name, steps, batch, secs, mmcs, eval.summary(), last.loss());
            return mmcs;
        }
    }

    @Test
    void topKSaeRecoversGroundTruth() {
        SaeTrainingConfig cfg =
                new SaeTrainingConfig()
                        .learningRate(Float.parseFloat(System.getProperty("toy.lr", "4e-3")))
                        .deadTokens(Long.getLong("toy.dead", 2_000))
                        .auxKCoefficient(Float.parseFloat(System.getProperty("toy.aux", "1")))
                        .lrDecayFraction(Float.parseFloat(System.getProperty("toy.decay", "0")))
                        .logEvery(100);
        double mmcs =
                train(
                        "TopK",
                        new TopKSae(SaeDims.autoencoder(256, 1024), Integer.getInteger("toy.k", 6)),
                        cfg,
                        steps("topk", 900),
                        Integer.getInteger("toy.batch", 256));
        assertTrue(mmcs >= 0.95, "MMCS " + mmcs);
    }

    @Test
    void l1SaeRecoversGroundTruth() {
        SaeTrainingConfig cfg =
                new SaeTrainingConfig()
                        .learningRate(Float.parseFloat(System.getProperty("toy.lr", "4e-3")))
                        .l1Coefficient(Float.parseFloat(System.getProperty("toy.l1", "0.15")))
                        .l1WarmupSteps(Integer.getInteger("toy.warm", 100))
                        .lrDecayFraction(Float.parseFloat(System.getProperty("toy.decay", "0")))
                        .deadTokens(20_000)
                        .logEvery(100);
        double mmcs =
                train(
                        "L1",
                        new StandardSae(SaeDims.autoencoder(256, 1024)),
                        cfg,
                        steps("l1", 2000),
                        Integer.getInteger("toy.batch", 256));
        assertTrue(mmcs >= 0.95, "MMCS " + mmcs);
    }
}
