package ai.mlpzoo.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.capture.ActivationStore;
import ai.mlpzoo.capture.StoreBatches;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.Importers;
import ai.mlpzoo.loading.sae.SaeImporter;
import ai.mlpzoo.sae.training.BatchSource;
import ai.mlpzoo.sae.training.SaeMetrics;
import ai.mlpzoo.sae.training.SaeTrainer;
import ai.mlpzoo.sae.training.SaeTrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlpzoo train-sae --activations acts.safetensors --architecture topk --d-sae 4096 --k 32
 * --out dir}: trains a sparse autoencoder (tensor {@code x}, (N, d_in)) or a transcoder ({@code x}
 * and {@code y}, (N, d_out)) on saved activations and writes it in the SAELens or sparsify layout.
 */
@Command(
        name = "train-sae",
        mixinStandardHelpOptions = true,
        description =
                "Train an SAE or transcoder on activations saved as safetensors (x, and y for a transcoder).")
final class TrainSaeCommand implements Callable<Integer> {

    @Option(
            names = "--activations",
            required = true,
            description =
                    "safetensors with 'x' (N, d_in) and optionally 'y' (N, d_out), read whole; or"
                            + " a folder of activation shards written by mlpzoo capture, streamed")
    Path activations;

    @Option(
            names = "--buffer-rows",
            defaultValue = "131072",
            description =
                    "rows held in memory when reading a shard folder, shuffled; refilled when half"
                            + " empty (default: ${DEFAULT-VALUE})")
    int bufferRows;

    @Option(
            names = "--eval-rows",
            defaultValue = "8192",
            description =
                    "rows of a shard folder the final metrics are measured on (default:"
                            + " ${DEFAULT-VALUE})")
    int evalRows;

    @Option(
            names = "--memory-log-every",
            defaultValue = "0",
            description =
                    "print the process's resident memory every N steps, 0 for never (default:"
                            + " ${DEFAULT-VALUE})")
    int memoryLogEvery;

    @Option(
            names = "--architecture",
            defaultValue = "topk",
            completionCandidates = Architectures.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(names = "--d-sae", required = true, description = "dictionary size")
    int dSae;

    @Option(names = "--k", description = "active latents for topk / batchtopk")
    Integer k;

    @Option(
            names = "--group-sizes",
            split = ",",
            description =
                    "Matryoshka groups for matryoshka_batchtopk, in order, summing to --d-sae (e.g. 64,192,256)")
    List<Integer> groupSizes;

    @Option(
            names = "--steps",
            defaultValue = "1000",
            description = "training steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(
            names = "--batch",
            defaultValue = "1024",
            description = "rows per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "4e-4",
            description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    float lr;

    @Option(
            names = "--l1",
            defaultValue = "5",
            description =
                    "L1 coefficient for standard/gated/transcoder (default: ${DEFAULT-VALUE})")
    float l1;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--format",
            defaultValue = "saelens",
            completionCandidates = SaeFormats.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--out", required = true, description = "folder to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        // names and counts are checked before the activations are read and the SAE trained: a
        // batch of 0 would otherwise train on empty batches and be reported as divergence
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("--steps must be positive, got " + steps);
        }
        SaeImporter writer = Importers.saeFormat(format);
        SaeArchitectures.get(architecture);
        Engine.getInstance().setRandomSeed((int) seed);
        if (ActivationStore.isStore(activations)) {
            return trainOnStore(writer);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDList data = SafeTensors.read(m, activations);
            NDArray x = named(data, "x");
            NDArray y = optional(data, "y");
            if (x.getShape().dimension() != 2) {
                throw new IllegalArgumentException("'x' must be (N, d_in), got " + x.getShape());
            }
            SaeConfig cfg = new SaeConfig();
            cfg.architecture = architecture;
            cfg.dIn = (int) x.getShape().get(1);
            cfg.dSae = dSae;
            cfg.k = k;
            cfg.groupSizes = groupSizes;
            cfg.dOut = y == null ? null : (int) y.getShape().get(1);
            cfg.validate();
            SparseCoder sae = cfg.toBlock();
            sae.initialize(m, DataType.FLOAT32, cfg.inputShape());
            SaeTrainer trainer =
                    new SaeTrainer(
                            sae,
                            new SaeTrainingConfig()
                                    .learningRate(lr)
                                    .l1Coefficient(l1)
                                    .l1WarmupSteps(steps / 20)
                                    .logEvery(Math.max(1, steps / 100)));
            long n = x.getShape().get(0);
            Random random = new Random(seed);
            BatchSource source =
                    mm -> {
                        long[] idx = new long[batch];
                        for (int i = 0; i < batch; i++) {
                            idx[i] = (long) (random.nextDouble() * n);
                        }
                        NDArray rows = mm.create(idx);
                        NDList b =
                                new NDList(x.get(mm, new ai.djl.ndarray.index.NDIndex("{}", rows)));
                        if (y != null) {
                            b.add(y.get(mm, new ai.djl.ndarray.index.NDIndex("{}", rows)));
                        }
                        return b;
                    };
            try (NDManager s = m.newSubManager()) {
                NDList first = source.next(s);
                trainer.initialize(first.get(0), y == null ? null : first.get(1));
            }
            trainer.fit(source, steps, null);
            SaeMetrics eval = trainer.evaluate(x, y);
            writer.write(out, cfg, sae);
            System.out.println(
                    "trained "
                            + cfg
                            + " for "
                            + steps
                            + " steps: "
                            + eval.summary()
                            + "; wrote "
                            + out);
        }
        return 0;
    }

    /**
     * Trains on a shard folder through a bounded shuffling buffer: the memory held is the buffer,
     * whatever the number of rows on disk.
     */
    private int trainOnStore(SaeImporter writer) throws Exception {
        if (bufferRows < batch) {
            throw new IllegalArgumentException(
                    "--buffer-rows (" + bufferRows + ") must be at least --batch (" + batch + ")");
        }
        if (evalRows <= 0) {
            throw new IllegalArgumentException("--eval-rows must be positive, got " + evalRows);
        }
        ActivationStore store = ActivationStore.open(activations);
        if (!store.complete()) {
            System.err.println(
                    activations
                            + ": the capture was stopped before it finished; training on the "
                            + store.rows()
                            + " rows of its complete shards");
        }
        try (NDManager m = NDManager.newBaseManager();
                StoreBatches source = store.batches(bufferRows, batch, seed)) {
            SaeConfig cfg = new SaeConfig();
            cfg.architecture = architecture;
            cfg.dIn = store.dIn();
            cfg.dSae = dSae;
            cfg.k = k;
            cfg.dOut = store.dOut() == 0 ? null : store.dOut();
            cfg.metadata = storeMetadata(store);
            cfg.validate();
            SparseCoder sae = cfg.toBlock();
            sae.initialize(m, DataType.FLOAT32, cfg.inputShape());
            SaeTrainer trainer =
                    new SaeTrainer(
                            sae,
                            new SaeTrainingConfig()
                                    .learningRate(lr)
                                    .l1Coefficient(l1)
                                    .l1WarmupSteps(steps / 20)
                                    .logEvery(Math.max(1, steps / 100)));
            // b_dec's geometric median from the first batch, which then trains as the others
            try (NDManager s = m.newSubManager()) {
                NDList first = source.next(s);
                trainer.initialize(first.get(0), cfg.dOut == null ? null : first.get(1));
            }
            int[] done = {0};
            trainer.fit(
                    source,
                    steps,
                    metrics -> {
                        done[0]++;
                        if (memoryLogEvery > 0 && done[0] % memoryLogEvery == 0) {
                            System.err.println(
                                    "step "
                                            + done[0]
                                            + ": "
                                            + (long) done[0] * batch
                                            + " rows served (epoch "
                                            + source.epoch()
                                            + " of "
                                            + store.rows()
                                            + " rows), "
                                            + ResidentMemory.describe());
                        }
                    });
            SaeMetrics eval;
            long n = Math.min(evalRows, store.rows());
            try (NDManager s = m.newSubManager();
                    StoreBatches held = store.batches((int) Math.max(n, 1), (int) n, seed + 1)) {
                // a fresh shuffled sample of the store, drawn with another seed
                NDList sample = held.next(s);
                eval = trainer.evaluate(sample.get(0), cfg.dOut == null ? null : sample.get(1));
            }
            writer.write(out, cfg, sae);
            System.out.println(
                    "trained "
                            + cfg
                            + " for "
                            + steps
                            + " steps on "
                            + store.rows()
                            + " rows of "
                            + (store.hook().isEmpty() ? "activations" : store.hook())
                            + " ("
                            + (long) steps * batch
                            + " rows served): "
                            + eval.summary()
                            + " on "
                            + n
                            + " rows; wrote "
                            + out);
        }
        return 0;
    }

    /**
     * SAELens' metadata of an SAE trained on a store: the hook point ({@code hook_name}) and the
     * model ({@code model_name}) the activations came from, so that {@code mlpzoo dashboard} finds
     * the hook point without being told; null when the store names no hook.
     */
    static com.fasterxml.jackson.databind.node.ObjectNode storeMetadata(ActivationStore store) {
        if (store.hook().isEmpty()) {
            return null;
        }
        com.fasterxml.jackson.databind.node.ObjectNode meta =
                ai.mlpzoo.config.Configs.MAPPER.createObjectNode();
        meta.put("hook_name", store.hook());
        String model = store.metadata().get("model");
        if (model != null) {
            meta.put("model_name", model);
        }
        return meta;
    }

    /** The registered architectures, for the help text. */
    static final class Architectures implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return SaeArchitectures.names().iterator();
        }
    }

    /** The formats that hold sparse coders, for the help text. */
    static final class SaeFormats implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Importers.saeFormats().iterator();
        }
    }

    private static NDArray named(NDList list, String name) {
        NDArray a = optional(list, name);
        if (a == null) {
            throw new IllegalArgumentException(
                    "activations file has no tensor named '" + name + "'");
        }
        return a;
    }

    private static NDArray optional(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a.toType(DataType.FLOAT32, false);
            }
        }
        return null;
    }
}
