package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** KAN-family configs: impossible values are named, valid ones build working blocks. */
class KanConfigTest {

    private static ModelConfig read(String json) {
        return Configs.read(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"model_type\": \"kan_bspline\", \"layers_hidden\": [2, 1], \"grid_size\": 0} | grid_size",
                "{\"model_type\": \"kan_bspline\", \"layers_hidden\": [2, 1], \"spline_order\": 0} | spline_order",
                "{\"model_type\": \"kan_bspline\", \"layers_hidden\": [2, 3, 1], \"grid_size\": [5, 6, 7]} | grid_size",
                "{\"model_type\": \"kan_bspline\", \"layers_hidden\": [2]} | layers_hidden",
                "{\"model_type\": \"kan_bspline\", \"layers_hidden\": [2, 1], \"grid_range\": [1, -1]} | grid_range",
                "{\"model_type\": \"kan_bspline\", \"layers_hidden\": [2, 1], \"base_activation\": \"foo\"} | base_activation",
                "{\"model_type\": \"kan_rbf\", \"layers_hidden\": [2, 1], \"num_grids\": 1} | num_grids",
                "{\"model_type\": \"kan_rational\", \"order\": [3, 2]} | order",
                "{\"model_type\": \"kan_rational\", \"init_mode\": \"relu6\"} | init_mode",
                "{\"model_type\": \"kan_mixer\", \"embed_dim\": 20, \"num_groups\": 8} | num_groups"
            })
    void impossibleValuesAreNamed(String json, String field) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(json));
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @Test
    void perLayerGridSizesAndKanMixerBuild() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelConfig kan =
                    read(
                            "{\"model_type\": \"kan_bspline\", \"layers_hidden\": [4, 3, 2], \"grid_size\": [5, 8]}");
            Block block = kan.toBlock();
            block.initialize(manager, DataType.FLOAT32, kan.inputShape());
            assertEquals(
                    new Shape(4, 5 + 3),
                    NamedParameters.of(block).get("layers.0.spline_weight").getShape().slice(1));
            assertEquals(
                    new Shape(2, 3, 8 + 3),
                    NamedParameters.of(block).get("layers.1.spline_weight").getShape());

            ModelConfig mixer =
                    read("{\"model_type\": \"kan_mixer\", \"num_blocks\": 2, \"embed_dim\": 32}");
            Block m = mixer.toBlock();
            m.initialize(manager, DataType.FLOAT32, mixer.inputShape());
            assertTrue(
                    NamedParameters.of(m)
                            .containsKey("blocks.1.mlp_channels.act2.weight_denominator"));
            NDArray logits =
                    m.forward(
                                    new ParameterStore(manager, false),
                                    new NDList(manager.randomNormal(new Shape(3, 1, 28, 28))),
                                    false)
                            .head();
            assertEquals(new Shape(3, 10), logits.getShape());
            assertEquals(
                    read(Configs.toJson(kan)).toString(),
                    kan.toString(),
                    "round trip through JSON");
        }
    }
}
