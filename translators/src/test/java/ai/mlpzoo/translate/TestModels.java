package ai.mlpzoo.translate;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.LambdaBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** Models for translator tests: a parameter-free block in a directory with a metadata.json. */
final class TestModels {

    private TestModels() {}

    /**
     * @param dir the model directory to create
     * @param metadata the metadata.json text, or null for none
     * @param block what the model computes on a batch
     * @return the loaded model (its path is {@code dir})
     */
    static Model model(Path dir, String metadata, Function<NDList, NDList> block) throws Exception {
        Files.createDirectories(dir);
        if (metadata != null) {
            Files.writeString(dir.resolve(ModelInfo.FILE), metadata);
        }
        Model model = Model.newInstance("test");
        model.setBlock(new LambdaBlock(block));
        model.load(dir, "test", Map.of("hasParameter", "false"));
        return model;
    }

    /**
     * @return a block that flattens each input of the batch into its "output"
     */
    static Function<NDList, NDList> flatten() {
        return in -> {
            NDArray x = in.singletonOrThrow();
            NDArray out = x.reshape(x.getShape().get(0), -1);
            out.setName("output");
            return new NDList(out);
        };
    }

    /**
     * @return softmax of a vector, in double precision
     */
    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
