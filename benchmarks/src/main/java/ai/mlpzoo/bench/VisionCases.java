package ai.mlpzoo.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The cases of the newer vision families (issue 20 item 4), each at its Fashion-MNIST zoo variant
 * ({@code <family>_fmnist}, model-configs): {@code <family>_train}, one AdamW step at batch 128
 * with cross-entropy exactly as {@code train_mixer_fmnist} ({@link TrainStepCase}: learning rate
 * 1e-3, weight decay 0.05, no label smoothing), and {@code <family>_infer1}, inference of one image
 * ({@link InferCase}). Their PyTorch twins are {@code benchmarks/python/cases_vision.py} (models in
 * {@code vision_models.py}, checked against the reference fixtures by {@code check_vision.py}).
 *
 * <p>Families: gMixer (Yu et al. / timm), PoolFormer (Yu et al. 2022, "MetaFormer is actually what
 * you need for vision"), MS-MLP (Zheng et al. 2022), RaftMLP (Tatsunami and Taki 2022), RepMLPNet
 * (Ding et al. 2022), NiNformer (Abdullah et al. 2024), Activator (Abdullah et al. 2024), Scaling
 * MLPs (Bachmann et al. 2023), the Hourglass MLP (Chen et al. 2025), KAT (Yang and Wang 2024) and
 * Strip-MLP (Cao et al. 2023).
 */
final class VisionCases implements CaseGroup {

    /** The families, in run order; each is measured at {@code <family>_fmnist}. */
    static final List<String> FAMILIES =
            List.of(
                    "gmixer",
                    "poolformer",
                    "ms_mlp",
                    "raft_mlp",
                    "repmlp",
                    "ninformer",
                    "activator",
                    "scaling_mlp",
                    "hourglass",
                    "kat",
                    "strip_mlp");

    /** Batch of the training step, as train_mixer_fmnist. */
    static final int TRAIN_BATCH = 128;

    @Override
    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (String f : FAMILIES) {
            n.add(f + "_train");
            n.add(f + "_infer1");
        }
        return n;
    }

    @Override
    public BenchCase create(String name, Cases.Options o) {
        for (String f : FAMILIES) {
            if (name.equals(f + "_train")) {
                ModelConfig c = Configs.variant(f + "_fmnist");
                return new TrainStepCase(
                        name, c::toBlock, new Shape(TRAIN_BATCH, 1, 28, 28), 10, Double.NaN, 3, 30);
            }
            if (name.equals(f + "_infer1")) {
                ModelConfig c = Configs.variant(f + "_fmnist");
                return new InferCase(
                        name,
                        c::toBlock,
                        new Shape(1, 1, 28, 28),
                        Double.NaN,
                        BenchCase.INFER1_WARMUP,
                        BenchCase.INFER1_STEPS);
            }
        }
        return null;
    }

    /**
     * Counts every parameter (trainable or not) of a block initialised for one Fashion-MNIST image.
     *
     * @param variant a zoo variant, e.g. {@code gmixer_fmnist}
     * @return the number of scalars in its parameters
     */
    static long parameterCount(String variant) {
        Block b = Configs.variant(variant).toBlock();
        try (NDManager m = NDManager.newBaseManager()) {
            b.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            long n = 0;
            for (Pair<String, Parameter> p : b.getParameters()) {
                n += p.getValue().getArray().size();
            }
            return n;
        }
    }

    /**
     * Prints {@code <variant> params=<n>} for each family's Fashion-MNIST variant: the counts that
     * {@code benchmarks/python/check_vision.py} asserts its PyTorch twins have.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        for (String f : FAMILIES) {
            System.out.println(f + "_fmnist params=" + parameterCount(f + "_fmnist"));
        }
    }
}
