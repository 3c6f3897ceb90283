package ai.mlpzoo.sae.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.StandardSae;
import ai.mlpzoo.blocks.sae.TopKSae;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The TopK step's hand-written gradients against autograd: the same SAE trained from the same state
 * on the same batches by both paths of {@link SaeTrainer} ends with the same parameters.
 */
@ExtendWith(SingleThread.class)
class TopKManualStepTest {

    /** Parameters after `steps` steps, with the hand-written gradients on or off. */
    private static List<float[]> train(
            boolean manual, SaeDims dims, int k, int steps, long deadTokens) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            TopKSae sae = new TopKSae(dims, k);
            sae.initialize(m, DataType.FLOAT32, new Shape(1, dims.dIn()));
            SaeTrainer t =
                    new SaeTrainer(
                            sae,
                            new SaeTrainingConfig()
                                    .progress(false)
                                    .learningRate(1e-2f)
                                    .manualTopK(manual)
                                    .deadTokens(deadTokens)
                                    .bDecInit(SaeTrainingConfig.BDecInit.MEAN));
            NDArray x = m.randomNormal(new Shape(64, dims.dIn())).add(0.5f);
            NDArray y =
                    dims.dIn() == dims.dOut() ? null : m.randomNormal(new Shape(64, dims.dOut()));
            t.initialize(x, y);
            for (int i = 0; i < steps; i++) {
                NDArray xi = x.mul(1f + 0.1f * i); // a different batch each step
                NDArray yi = y == null ? null : y.mul(1f - 0.05f * i);
                SaeMetrics r = t.step(xi, yi);
                assertTrue(Double.isFinite(r.loss()));
            }
            List<float[]> out = new ArrayList<>();
            out.add(sae.getWEnc().getArray().toFloatArray());
            out.add(sae.getBEnc().getArray().toFloatArray());
            out.add(sae.getWDec().getArray().toFloatArray());
            out.add(sae.getBDec().getArray().toFloatArray());
            return out;
        }
    }

    private static void assertSameTraining(SaeDims dims, int k, long deadTokens) {
        List<float[]> auto = train(false, dims, k, 5, deadTokens);
        List<float[]> manual = train(true, dims, k, 5, deadTokens);
        String[] names = {"W_enc", "b_enc", "W_dec", "b_dec"};
        for (int p = 0; p < names.length; p++) {
            float[] a = auto.get(p);
            float[] b = manual.get(p);
            float worst = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            assertTrue(worst < 1e-5f, names[p] + " differs by " + worst);
        }
        // the parameters moved: the comparison is not between two untrained SAEs
        assertFalse(auto.get(3)[0] == manual.get(3)[0] && auto.get(3)[0] == 0f);
    }

    @Test
    void autoencoderStepsEqualAutograd() {
        assertSameTraining(SaeDims.autoencoder(16, 64), 4, 10_000_000L);
    }

    @Test
    void transcoderStepsEqualAutograd() {
        assertSameTraining(SaeDims.transcoder(16, 64, 12, false), 4, 10_000_000L);
    }

    /** Latents die after one batch: later steps add AuxK through autograd, in the same trainer. */
    @Test
    void stepsWithDeadLatentsFallBackToAutograd() {
        assertSameTraining(SaeDims.autoencoder(16, 64), 4, 64);
    }

    @Test
    void otherArchitecturesAndDeadLatentsUseAutograd() {
        try (NDManager m = NDManager.newBaseManager()) {
            TopKSae topk = new TopKSae(SaeDims.autoencoder(4, 8), 2);
            StandardSae relu = new StandardSae(SaeDims.autoencoder(4, 8));
            boolean[] none = new boolean[8];
            boolean[] one = new boolean[8];
            one[3] = true;
            assertTrue(TopKManualStep.applies(topk, none, 1f / 32));
            assertFalse(TopKManualStep.applies(topk, one, 1f / 32), "AuxK needs autograd");
            assertTrue(TopKManualStep.applies(topk, one, 0f), "AuxK off: nothing to add");
            assertFalse(TopKManualStep.applies(relu, none, 1f / 32));
            assertEquals(8, none.length);
        }
    }
}
