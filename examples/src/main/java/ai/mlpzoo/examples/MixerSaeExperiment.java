package ai.mlpzoo.examples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.analysis.FeatureGrid;
import ai.mlpzoo.blocks.mixer.MlpMixer;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.TopKSae;
import ai.mlpzoo.blocks.sae.Transcoder;
import ai.mlpzoo.capture.ActivationBuffer;
import ai.mlpzoo.capture.ActivationStream;
import ai.mlpzoo.capture.Capture;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.sae.training.SaeMetrics;
import ai.mlpzoo.sae.training.SaeTrainer;
import ai.mlpzoo.sae.training.SaeTrainingConfig;
import ai.mlpzoo.zoo.MlpModelZoo;
import ai.mlpzoo.zoo.MlpZoo;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Random;
import java.util.function.BinaryOperator;

/**
 * The vision experiment on a pretrained zoo model (default: the Fashion-MNIST MLP-Mixer): a
 * TopK SAE on a block's residual output and a skip transcoder on that block's channel MLP (input to
 * output), both trained on streamed activations of the training set. Reports FVU, L0, dead fraction
 * on held-out test activations, and the test accuracy when the sub-block's output is replaced by
 * the reconstruction (the vision analogue of the cross-entropy loss recovered), next to the clean
 * and zero-ablated accuracies. Writes a PNG grid of the top-activating test images of a spread of
 * SAE latents, one row per latent.
 *
 * <p>Run: {@code java -cp <cli classpath> ai.mlpzoo.examples.MixerSaeExperiment [artifact] [block
 * index] [sae steps] [out dir]}, e.g. {@code mixer 4 3000 runs/mixer-sae}.
 */
public final class MixerSaeExperiment {

    private MixerSaeExperiment() {}

    /**
     * Runs the experiment.
     *
     * @param args zoo artifact (mixer, resmlp, gmlp) or model directory, block index, SAE steps,
     *     output folder
     * @throws Exception when the dataset or the model is missing
     */
    public static void main(String[] args) throws Exception {
        String artifact = args.length > 0 ? args[0] : "mixer";
        int blockIndex = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int saeSteps = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        Path out =
                Paths.get(
                        args.length > 3
                                ? args[3]
                                : "runs/" + Paths.get(artifact).getFileName() + "-sae");
        String block = "blocks." + blockIndex;
        String mlp = block + ".mlp_channels";
        FashionMnist train =
                FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TRAIN, 0);
        FashionMnist test =
                FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 0);
        Engine.getInstance().setRandomSeed(0);
        Random random = new Random(0);
        Criteria.Builder<NDList, NDList> builder =
                Criteria.builder().setTypes(NDList.class, NDList.class);
        if (java.nio.file.Files.isDirectory(
                Paths.get(artifact))) { // a model directory, e.g. a run's model/
            ai.mlpzoo.zoo.ModelDirs.checkSafe(Paths.get(artifact));
            builder.optModelPath(Paths.get(artifact));
        } else {
            builder.optGroupId(MlpModelZoo.GROUP_ID)
                    .optArtifactId(artifact)
                    .optFilter("variant", "fmnist");
        }
        Criteria<NDList, NDList> criteria = builder.build();
        try (ZooModel<NDList, NDList> zooModel = MlpZoo.loadModel(criteria);
                NDManager m = NDManager.newBaseManager()) {
            MlpMixer model = (MlpMixer) zooModel.getBlock();
            int d = model.getEmbedDim();
            double clean = accuracy(model, test, null, null, m);
            double zeroMlp = accuracy(model, test, mlp, (in, o) -> o.zerosLike(), m);
            System.out.printf(
                    Locale.ROOT,
                    "%s/fmnist: test accuracy clean %.4f; %s zero-ablated %.4f%n",
                    artifact,
                    clean,
                    mlp,
                    zeroMlp);

            // SAE on the block's residual output: 16x dictionary, k = 16
            TopKSae sae = new TopKSae(SaeDims.autoencoder(d, 16 * d), 16);
            sae.initialize(m, DataType.FLOAT32, new Shape(1, d));
            ActivationStream stream =
                    new ActivationStream(
                            model,
                            block,
                            mm -> train.batch(mm, sample(random, train.size(), 64)),
                            new ActivationBuffer(1 << 16, d, 0, 1),
                            false,
                            1024,
                            m);
            SaeTrainer st =
                    new SaeTrainer(
                            sae,
                            new SaeTrainingConfig()
                                    .learningRate(2e-3f)
                                    .deadTokens(200_000)
                                    .logEvery(100));
            report("SAE " + block, sae, st, stream, saeSteps, m, model, test, block, false);
            Path grid = out.resolve("sae-" + block + "-top-images.png");
            featureGrid(sae, model, block, test, grid, m);

            // skip transcoder on the channel MLP
            Transcoder tc = new Transcoder(d, 16 * d, d, true);
            tc.initialize(m, DataType.FLOAT32, new Shape(1, d));
            ActivationStream pairs =
                    new ActivationStream(
                            model,
                            mlp,
                            mm -> train.batch(mm, sample(random, train.size(), 64)),
                            new ActivationBuffer(1 << 16, d, d, 2),
                            true,
                            1024,
                            m);
            SaeTrainer tt =
                    new SaeTrainer(
                            tc,
                            new SaeTrainingConfig()
                                    .learningRate(2e-3f)
                                    .l1Coefficient(
                                            Float.parseFloat(System.getProperty("l1", "0.05")))
                                    .l1WarmupSteps(saeSteps / 5)
                                    .deadTokens(200_000)
                                    .logEvery(100));
            report("transcoder " + mlp, tc, tt, pairs, saeSteps, m, model, test, mlp, true);
            System.out.printf(
                    Locale.ROOT,
                    "clean accuracy %.4f, %s zero-ablated %.4f; feature grid %s%n",
                    clean,
                    mlp,
                    zeroMlp,
                    grid);
        }
    }

    /**
     * Per test image, each latent's strongest activation over the image's tokens; then for 12
     * latents spread over the firing-frequency ranks, the 12 test images that excite it most.
     */
    private static void featureGrid(
            SparseCoder sae, MlpMixer model, String hook, FashionMnist test, Path file, NDManager m)
            throws java.io.IOException {
        long dSae = sae.getDims().dSae();
        try (NDManager s = m.newSubManager()) {
            NDList perImage = new NDList();
            try (Capture c = Capture.install(model, hook)) {
                for (int i = 0; i < test.size(); i += 500) {
                    int[] idx = range(i, Math.min(test.size(), i + 500));
                    NDManager b = s.newSubManager();
                    model.forward(
                            new ParameterStore(b, false), new NDList(test.batch(b, idx)), false);
                    NDArray acts =
                            sae.forward(
                                            new ParameterStore(b, false),
                                            new NDList(c.output().reshape(-1, sae.getDims().dIn())),
                                            false)
                                    .get(0);
                    NDArray max = acts.reshape(idx.length, -1, dSae).max(new int[] {1});
                    max.attach(s);
                    perImage.add(max);
                    b.close();
                }
            }
            NDArray acts = NDArrays.concat(perImage); // (N, d_sae)
            long[] fires =
                    acts.gt(0).sum(new int[] {0}).toType(DataType.INT64, false).toLongArray();
            Integer[] order = new Integer[fires.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Long.compare(fires[b], fires[a]));
            int alive = 0;
            while (alive < order.length && fires[order[alive]] >= 12) {
                alive++;
            }
            int rowsShown = Math.min(12, alive);
            int[][] rows = new int[rowsShown][];
            int[] labels = test.labels();
            for (int r = 0; r < rowsShown; r++) {
                int latent = order[(int) ((long) r * alive / rowsShown)];
                rows[r] = FeatureGrid.topActivating(acts, latent, 12);
                int[] counts = new int[FashionMnist.CLASSES.length];
                for (int img : rows[r]) {
                    counts[labels[img]]++;
                }
                int best = 0;
                for (int k = 1; k < counts.length; k++) {
                    best = counts[k] > counts[best] ? k : best;
                }
                System.out.printf(
                        Locale.ROOT,
                        "row %2d: latent %4d fires on %5.1f%% of test images; top 12: %d x %s%n",
                        r,
                        latent,
                        100.0 * fires[latent] / test.size(),
                        counts[best],
                        FashionMnist.CLASSES[best]);
            }
            FeatureGrid.write(file, test.batch(s, range(0, test.size())), rows, 3);
        }
    }

    private static void report(
            String name,
            SparseCoder coder,
            SaeTrainer trainer,
            ActivationStream stream,
            int steps,
            NDManager m,
            MlpMixer model,
            FashionMnist test,
            String hook,
            boolean pairs) {
        try (NDManager s = m.newSubManager()) {
            NDList b = stream.next(s);
            trainer.initialize(b.get(0), pairs ? b.get(1) : null);
        }
        long t0 = System.nanoTime();
        trainer.fit(stream, steps, null);
        double trainSecs = secs(t0);
        // held-out metrics: activations of 200 test images (9,800 rows)
        SaeMetrics eval;
        try (NDManager s = m.newSubManager();
                Capture c = Capture.install(model, hook)) {
            model.forward(
                    new ParameterStore(s, false), new NDList(test.batch(s, range(0, 200))), false);
            long dIn = coder.getDims().dIn();
            NDArray x = c.input().reshape(-1, dIn);
            NDArray y = c.output().reshape(-1, coder.getDims().dOut());
            eval = trainer.evaluate(pairs ? x : y, pairs ? y : null);
        }
        BinaryOperator<NDArray> splice =
                (in, out) -> {
                    NDArray src = pairs ? in : out;
                    NDArray flat = src.reshape(-1, coder.getDims().dIn());
                    NDArray rec =
                            coder.forward(
                                            new ParameterStore(src.getManager(), false),
                                            new NDList(flat),
                                            false)
                                    .get(1);
                    return rec.reshape(out.getShape());
                };
        double acc = accuracy(model, test, hook, splice, m);
        System.out.printf(
                Locale.ROOT,
                "%s: %d steps in %.0fs; test %s; accuracy with it spliced in %.4f%n",
                name,
                steps,
                trainSecs,
                eval.summary(),
                acc);
    }

    private static double accuracy(
            MlpMixer model,
            FashionMnist test,
            String hook,
            BinaryOperator<NDArray> splice,
            NDManager m) {
        long correct = 0;
        try (Capture c = hook == null ? null : Capture.splice(model, hook, splice)) {
            for (int i = 0; i < test.size(); i += 500) {
                int[] idx = range(i, Math.min(test.size(), i + 500));
                try (NDManager s = m.newSubManager()) {
                    NDArray logits =
                            model.forward(
                                            new ParameterStore(s, false),
                                            new NDList(test.batch(s, idx)),
                                            false)
                                    .head();
                    NDArray pred = logits.argMax(1).toType(DataType.INT64, false);
                    correct += pred.eq(test.batchLabels(s, idx)).sum().getLong();
                }
            }
        }
        return correct / (double) test.size();
    }

    private static int[] permutation(Random random, int n) {
        int[] p = range(0, n);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] sample(Random random, int n, int k) {
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = random.nextInt(n);
        }
        return out;
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
