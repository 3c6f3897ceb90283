package ai.mlpzoo.bench;

import ai.mlpzoo.blocks.sae.MatryoshkaBatchTopKSae;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.sae.training.SaeTrainer;
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
                ? matryoshka(512, 8192, List.of(512, 1536, 6144), 32, 1024)
                : null;
    }

    /**
     * sae_matryoshka_train (through {@link SaeTopKCase}'s generic SAE step). The step: the dense
     * pre-activations, the k N largest ReLU'd values of the batch kept, the full reconstruction and
     * each inner prefix's (SAELens' loss: the inner prefixes' squared errors added with weight 1;
     * AuxK is zero while no latent is dead), backward, the decoder gradient's parallel component
     * removed, Adam, decoder rows renormalised, the dead-latent bookkeeping and the step's metrics.
     * The batch is random and fixed.
     */
    private static BenchCase matryoshka(int dIn, int dSae, List<Integer> groups, int k, int batch) {
        return new SaeTopKCase(
                "sae_matryoshka_train",
                Double.NaN,
                () -> new MatryoshkaBatchTopKSae(SaeDims.autoencoder(dIn, dSae), k, groups),
                dIn,
                batch,
                true);
    }
}
