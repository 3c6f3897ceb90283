package ai.mlpzoo.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.sae.MatryoshkaBatchTopKSae;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.sae.training.SaeMetrics;
import ai.mlpzoo.sae.training.SaeTrainer;
import ai.mlpzoo.sae.training.SaeTrainingConfig;
import java.util.List;

/**
 * The newer SAE cases (issue 20): {@code sae_matryoshka_train}, one {@link SaeTrainer#step} of a
 * Matryoshka BatchTopK SAE (Bussmann et al. 2025, "Learning Multi-Level Features with Matryoshka
 * Sparse Autoencoders") at the size of {@code sae_topk_train}: d_in 512, 8192 latents in groups
 * 512, 1536, 6144, k 32 per row (k N over the batch), batch 1024.
 */
final class SaeCases implements CaseGroup {

    @Override
    public List<String> names() {
        return List.of("sae_matryoshka_train");
    }

    @Override
    public BenchCase create(String name, Cases.Options o) {
        return "sae_matryoshka_train".equals(name)
                ? new MatryoshkaCase(512, 8192, List.of(512, 1536, 6144), 32, 1024)
                : null;
    }

    /**
     * The step: the dense pre-activations, the k N largest ReLU'd values of the batch kept, the
     * full reconstruction and each inner prefix's (SAELens' loss: the inner prefixes' squared
     * errors added with weight 1; AuxK is zero while no latent is dead), backward, the decoder
     * gradient's parallel component removed, Adam, decoder rows renormalised, the dead-latent
     * bookkeeping and the step's metrics. The batch is random and fixed.
     */
    static final class MatryoshkaCase extends BenchCase {

        private final int dIn;
        private final int dSae;
        private final List<Integer> groups;
        private final int k;
        private final int batch;
        private NDManager manager;
        private SaeTrainer trainer;
        private NDArray x;
        private MatryoshkaBatchTopKSae sae;

        MatryoshkaCase(int dIn, int dSae, List<Integer> groups, int k, int batch) {
            super("sae_matryoshka_train", Double.NaN, 3, 20);
            this.dIn = dIn;
            this.dSae = dSae;
            this.groups = groups;
            this.k = k;
            this.batch = batch;
        }

        @Override
        public void setup() {
            manager = NDManager.newBaseManager();
            sae = new MatryoshkaBatchTopKSae(SaeDims.autoencoder(dIn, dSae), k, groups);
            sae.initialize(manager, DataType.FLOAT32, new Shape(batch, dIn));
            trainer =
                    new SaeTrainer(
                            sae,
                            new SaeTrainingConfig()
                                    .progress(false)
                                    .bDecInit(SaeTrainingConfig.BDecInit.MEAN));
            x = manager.randomNormal(new Shape(batch, dIn));
            trainer.initialize(x, null);
        }

        @Override
        public void step() {
            SaeMetrics m = trainer.step(x, null);
            if (!Double.isFinite(m.loss())) {
                throw new IllegalStateException("sae_matryoshka_train: loss is " + m.loss());
            }
        }

        @Override
        public void report(double[] sortedMs, java.util.Map<String, String> extras) {
            extras.put("params", Long.toString(trainableParameters(sae)));
        }

        @Override
        public void close() {
            if (manager != null) {
                manager.close();
            }
        }
    }
}
