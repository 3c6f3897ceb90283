package ai.mlpzoo.loading.kan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.blocks.kan.KANLinear;
import ai.mlpzoo.config.KanBSplineConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.Importers;
import ai.mlpzoo.loading.KanImporter;
import ai.mlpzoo.loading.StateDicts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parity of the KAN family with the Python references' fixtures, within 1e-4. */
class KanParityTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @CsvSource({
        "kan_bspline_tiny, efficient-kan",
        "kan_rbf_tiny, fast-kan",
        "kan_rational_tiny, kat-rational"
    })
    void importedModelDirectoryMatchesReference(String fixture, String format) throws Exception {
        Path ref = Fixtures.reference();
        Path out = tmp.resolve(fixture);
        Importers.get(format).importCheckpoint(ref.resolve(fixture), out);
        Criteria<NDList, NDList> criteria =
                Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(out).build();
        try (NDManager manager = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList io = SafeTensors.read(manager, ref.resolve(fixture + ".io.safetensors"));
            NDList result = predictor.predict(new NDList(Fixtures.get(io, "input")));
            float diff = Fixtures.maxAbsDiff(result.get(0), Fixtures.get(io, "output"));
            System.out.printf("%s parity: output %.3g%n", fixture, diff);
            assertTrue(diff < 1e-4, fixture + " output differs by " + diff);
        }
    }

    @Test
    void bsplineRegularisationAndGridUpdateMatchEfficientKan() throws Exception {
        Path ref = Fixtures.reference();
        Path dir = ref.resolve("kan_bspline_tiny");
        KanBSplineConfig config =
                (KanBSplineConfig)
                        KanImporter.efficientKan().readConfig(dir.resolve("config.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            KAN kan = config.toBlock();
            kan.initialize(manager, DataType.FLOAT32, config.inputShape());
            StateDicts.load(
                    NamedParameters.of(kan),
                    SafeTensors.read(manager, dir.resolve("model.safetensors")),
                    "fixture");
            NDList io = SafeTensors.read(manager, ref.resolve("kan_bspline_tiny.io.safetensors"));
            NDArray x = Fixtures.get(io, "input");
            ParameterStore ps = new ParameterStore(manager, false);

            NDArray y = kan.forward(ps, new NDList(x), false).head();
            assertEquals("output", y.getName());
            float outDiff = Fixtures.maxAbsDiff(y, Fixtures.get(io, "output"));
            NDArray reg = kan.regularizationLoss(1, 1);
            float regDiff =
                    Math.abs(reg.getFloat() - Fixtures.get(io, "regularization_loss").getFloat());

            kan.updateGrid(x, 0.01);
            float gridDiff = 0;
            float weightDiff = 0;
            for (int l = 0; l < kan.getLayers().size(); l++) {
                KANLinear layer = kan.getLayers().get(l);
                var params = NamedParameters.of(layer);
                gridDiff =
                        Math.max(
                                gridDiff,
                                Fixtures.maxAbsDiff(
                                        params.get("grid").getArray(),
                                        Fixtures.get(
                                                io, "layers." + l + ".grid_after_update_grid")));
                weightDiff =
                        Math.max(
                                weightDiff,
                                Fixtures.maxAbsDiff(
                                        params.get("spline_weight").getArray(),
                                        Fixtures.get(
                                                io,
                                                "layers."
                                                        + l
                                                        + ".spline_weight_after_update_grid")));
            }
            NDArray after = kan.forward(ps, new NDList(x), false).head();
            float afterDiff =
                    Fixtures.maxAbsDiff(after, Fixtures.get(io, "output_after_update_grid"));
            float keptDiff = Fixtures.maxAbsDiff(after, y);
            System.out.printf(
                    "kan_bspline_tiny parity: output %.3g, reg loss %.3g, grid %.3g, spline_weight %.3g,"
                            + " output after update %.3g (vs before: %.3g)%n",
                    outDiff, regDiff, gridDiff, weightDiff, afterDiff, keptDiff);
            assertTrue(outDiff < 1e-4, "output differs by " + outDiff);
            assertTrue(regDiff < 1e-4, "regularization_loss differs by " + regDiff);
            assertTrue(gridDiff < 1e-4, "grid after update differs by " + gridDiff);
            assertTrue(weightDiff < 1e-4, "spline_weight after update differs by " + weightDiff);
            assertTrue(afterDiff < 1e-4, "output after update differs by " + afterDiff);
        }
    }
}
