package ai.mlpzoo.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.TopKSae;
import ai.mlpzoo.sae.training.SaeMetrics;
import ai.mlpzoo.sae.training.SaeTrainer;
import ai.mlpzoo.sae.training.SaeTrainingConfig;

/**
 * {@code sae_topk_train}: one Adam step of a TopK SAE through {@link SaeTrainer#step}: encode
 * (dense pre-activations, top-k), sparse decode (k decoder rows per row), backward, the decoder
 * gradient's parallel component removed, Adam, decoder rows renormalised, dead-latent bookkeeping
 * and the step's metrics. The batch is random and fixed.
 */
final class SaeTopKCase extends BenchCase {

    private final int dIn;
    private final int batch;
    private final java.util.function.Supplier<SparseCoder> factory;
    private final boolean reportParams;
    private NDManager manager;
    private SaeTrainer trainer;
    private NDArray x;
    private SparseCoder sae;

    SaeTopKCase(int dIn, int dSae, int k, int batch) {
        this(
                "sae_topk_train",
                flops(dIn, dSae, k, batch),
                () -> new TopKSae(SaeDims.autoencoder(dIn, dSae), k),
                dIn,
                batch,
                false);
    }

    /**
     * One {@link SaeTrainer#step} of any SAE: the other SAE cases ({@link SaeCases}) share it.
     *
     * @param name the case name
     * @param flops matmul FLOPs per step, or NaN
     * @param factory makes the SAE (not initialised)
     * @param dIn its input width
     * @param batch rows per step
     * @param reportParams whether the result line prints {@code params=}
     */
    SaeTopKCase(
            String name,
            double flops,
            java.util.function.Supplier<SparseCoder> factory,
            int dIn,
            int batch,
            boolean reportParams) {
        super(name, flops, 3, 20);
        this.factory = factory;
        this.dIn = dIn;
        this.batch = batch;
        this.reportParams = reportParams;
    }

    @Override
    public void setup() {
        manager = NDManager.newBaseManager();
        sae = factory.get();
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
            throw new IllegalStateException(name() + ": loss is " + m.loss());
        }
    }

    @Override
    public void report(double[] sortedMs, java.util.Map<String, String> extras) {
        if (reportParams) {
            extras.put("params", Long.toString(trainableParameters(sae)));
        }
    }

    /**
     * Matmul FLOPs of the step as implemented: the dense encoder product forward (2 N d_in d_sae);
     * everything else touches k latents per row: the selected pre-activations, the decoder and
     * their backward, 2 N k d each, six of them.
     */
    private static double flops(int dIn, int dSae, int k, int batch) {
        double n = batch;
        return 2 * n * dIn * dSae + 6 * 2 * n * k * dIn;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
