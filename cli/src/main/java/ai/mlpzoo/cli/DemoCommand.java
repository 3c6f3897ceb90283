package ai.mlpzoo.cli;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import ai.mlpzoo.zoo.MlpModelZoo;
import ai.mlpzoo.zoo.MlpZoo;
import ai.mlpzoo.zoo.ZooEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlpzoo demo}: lists the zoo, loads every pretrained Fashion-MNIST model through DJL's
 * Criteria as a user would, and tabulates test accuracy and per-image latency on the full test set
 * when the data set package is installed, else on the embedded 1,000-image slice.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "List the zoo, load each pretrained model through DJL Criteria, report accuracy and latency.")
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--embedded",
            description =
                    "use the embedded 1,000-image test slice even when the data set is installed")
    boolean embedded;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "evaluate the first N test images only (default: all)")
    int limit;

    @Option(
            names = "--all",
            description = "also run the models whose weights are random placeholders")
    boolean all;

    @Option(
            names = "--batch",
            defaultValue = "250",
            description = "batch size for accuracy (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--latency-samples",
            defaultValue = "100",
            paramLabel = "N",
            description = "single images timed for latency (default: ${DEFAULT-VALUE})")
    int latencySamples;

    @Override
    public Integer call() throws Exception {
        if (batch <= 0 || limit < 0 || latencySamples <= 0) {
            throw new IllegalArgumentException(
                    "--batch and --latency-samples must be positive, --limit >= 0");
        }
        List<ZooEntry> entries = MlpZoo.entries();
        System.out.println("The mlp-zoo (DJL group " + MlpModelZoo.GROUP_ID + "):");
        ListCommand.print(entries);
        List<ZooEntry> models =
                entries.stream()
                        .filter(e -> "fashion-mnist".equals(e.properties().get("dataset")))
                        .filter(e -> "cv/image_classification".equals(e.application()))
                        .filter(e -> all || e.pretrained())
                        .collect(Collectors.toList());
        System.out.println();
        if (models.isEmpty()) {
            System.out.println(
                    "No pretrained Fashion-MNIST model in this build; --all runs the random-weight placeholders.");
            return new DemoForecasters(limit, latencySamples).run(entries);
        }
        boolean full = !embedded && FashionMnist.isInstalled();
        FashionMnist data = full ? FashionMnist.testSetOrSlice() : FashionMnist.embeddedTestSlice();
        int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
        System.out.printf(
                Locale.ROOT,
                "Test data: %s, %,d images%n",
                full
                        ? "Fashion-MNIST test set in " + FashionMnist.defaultDir()
                        : "embedded Fashion-MNIST test slice",
                n);
        List<Image> images = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            images.add(FashionMnistImages.image(data, i));
        }
        System.out.println(
                "Each model: Criteria.builder().setTypes(Image.class, Classifications.class)"
                        + ".optGroupId(\""
                        + MlpModelZoo.GROUP_ID
                        + "\").optArtifactId(A).optFilter(\"variant\", V).build().loadModel()");
        System.out.println();
        Table t =
                new Table(
                        "MODEL",
                        "WEIGHTS",
                        ">PARAMS",
                        ">IMAGES",
                        ">ACCURACY",
                        ">LATENCY ms/img",
                        ">THROUGHPUT img/s",
                        ">LOAD s");
        for (ZooEntry e : models) {
            System.err.println("evaluating " + e.id() + " ...");
            t.row(evaluate(e, data, images));
        }
        t.print(System.out);
        return new DemoForecasters(limit, latencySamples).run(entries);
    }

    private Object[] evaluate(ZooEntry e, FashionMnist data, List<Image> images) throws Exception {
        Criteria<Image, Classifications> criteria =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId(MlpModelZoo.GROUP_ID)
                        .optArtifactId(e.artifactId())
                        .optFilter("variant", e.variant())
                        .build();
        long t0 = System.nanoTime();
        try (ZooModel<Image, Classifications> model = MlpZoo.loadModel(criteria);
                Predictor<Image, Classifications> p = model.newPredictor()) {
            double load = (System.nanoTime() - t0) / 1e9;
            int samples = Math.min(latencySamples, images.size());
            for (int i = 0; i < Math.min(5, samples); i++) {
                p.predict(images.get(i)); // warm-up
            }
            double[] ms = new double[samples];
            for (int i = 0; i < samples; i++) {
                long s = System.nanoTime();
                p.predict(images.get(i));
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            int correct = 0;
            long s = System.nanoTime();
            for (int from = 0; from < images.size(); from += batch) {
                List<Classifications> out =
                        p.batchPredict(images.subList(from, Math.min(from + batch, images.size())));
                for (int i = 0; i < out.size(); i++) {
                    if (out.get(i)
                            .best()
                            .getClassName()
                            .equals(FashionMnist.CLASSES[data.labels()[from + i]])) {
                        correct++;
                    }
                }
            }
            double secs = (System.nanoTime() - s) / 1e9;
            return new Object[] {
                e.id(),
                e.pretrained() ? "trained" : "random (placeholder)",
                ListCommand.params(e.parameters()),
                String.format(Locale.ROOT, "%,d", images.size()),
                String.format(Locale.ROOT, "%.2f%%", 100.0 * correct / images.size()),
                String.format(Locale.ROOT, "%.2f", ms[ms.length / 2]),
                String.format(Locale.ROOT, "%.0f", images.size() / secs),
                String.format(Locale.ROOT, "%.1f", load)
            };
        }
    }
}
