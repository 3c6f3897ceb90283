package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;

/**
 * The latency benchmark: single-image and batch-64 inference of the Fashion-MNIST zoo models on
 * PyTorch and on ONNX Runtime, loaded from the same model directory through Criteria. Prints a
 * table and writes it to {@code target/onnx-latency.md}; medians of a few runs after warm-up, on
 * whatever CPU the build has (a shared machine gives noisy figures).
 */
class OnnxLatencyBenchmarkTest {

    @TempDir Path tmp;

    @Test
    void latencyOnBothEngines() throws Exception {
        StringBuilder table = new StringBuilder();
        table.append("| model | engine | batch 1 (ms) | batch 64 (ms) |\n|---|---|---|---|\n");
        FashionMnist test = FashionMnist.embeddedTestSlice();
        int[] one = {0};
        int[] sixtyFour = new int[64];
        Arrays.setAll(sixtyFour, i -> i);
        for (String artifact : new String[] {"mixer", "resmlp", "gmlp"}) {
            Path dir = tmp.resolve(artifact);
            Criteria<NDList, NDList> zoo =
                    Criteria.builder()
                            .setTypes(NDList.class, NDList.class)
                            .optGroupId("ai.mlpzoo")
                            .optArtifactId(artifact)
                            .optFilter("variant", "fmnist")
                            .optEngine("PyTorch")
                            .build();
            try (ZooModel<NDList, NDList> pt = zoo.loadModel()) {
                OnnxModelDirs.export(pt, dir);
            }
            for (String engine : new String[] {"PyTorch", "OnnxRuntime"}) {
                Criteria<NDList, NDList> c =
                        Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(dir).optEngine(engine).build();
                try (ZooModel<NDList, NDList> model = c.loadModel();
                        Predictor<NDList, NDList> p = model.newPredictor();
                        NDManager m = model.getNDManager().newSubManager()) {
                    double t1 = median(p, m, test, one, 15);
                    double t64 = median(p, m, test, sixtyFour, 5);
                    assertTrue(t1 > 0 && t64 > 0 && Double.isFinite(t64));
                    table.append(String.format(Locale.ROOT, "| %s fmnist | %s | %.2f | %.2f |%n", artifact, engine, t1, t64));
                }
            }
        }
        System.out.print(table);
        Path out = Paths.get("target", "onnx-latency.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
    }

    private static double median(Predictor<NDList, NDList> p, NDManager m, FashionMnist test, int[] idx, int runs) throws Exception {
        double[] ms = new double[runs];
        for (int r = -3; r < runs; r++) {
            try (NDManager s = m.newSubManager()) {
                NDArray x;
                try (NDManager pt = NDManager.newBaseManager("PyTorch")) {
                    float[] data = test.batch(pt, idx).toFloatArray();
                    x = s.create(data, new ai.djl.ndarray.types.Shape(idx.length, 1, 28, 28));
                }
                x.setName(OnnxExporter.INPUT);
                long t0 = System.nanoTime();
                NDList y = p.predict(new NDList(x));
                y.get(0).toFloatArray();
                if (r >= 0) {
                    ms[r] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }
}
