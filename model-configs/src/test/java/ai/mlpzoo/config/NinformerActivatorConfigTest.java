package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** NiNformer's and Activator's named variants and config checks. */
class NinformerActivatorConfigTest {

    /**
     * The papers' CIFAR models, the reference constructors' defaults (d_model 256, d_ffn 512, 4
     * blocks, patch 4 on 32x32x3): {@code sum(p.numel() for p in model.parameters())} of the
     * reference's {@code NiNformerImageClassification} / {@code ACTIVATORImageClassification} with
     * {@code num_classes} 10 and 100 (torch 1.13); the Fashion-MNIST sizes counted the same way at
     * their arguments.
     */
    @ParameterizedTest
    @CsvSource({
        "ninformer_cifar10, ninformer, 2652170",
        "ninformer_cifar100, ninformer, 2675300",
        "activator_cifar10, activator, 2650890",
        "activator_cifar100, activator, 2674020",
        "ninformer_fmnist, ninformer, 203406",
        "activator_fmnist, activator, 689034"
    })
    void parameterCountsEqualTheReference(String name, String modelType, long expected) {
        ModelConfig config = Configs.variant(name);
        assertEquals(modelType, config.modelType());
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = config.toBlock();
            block.initialize(manager, DataType.FLOAT32, config.inputShape());
            assertEquals(expected, NamedParameters.count(block), name);
            assertTrue(
                    config.footprint().parameters() <= expected,
                    "the footprint is a lower bound: " + config.footprint());
        }
    }

    /** The Fashion-MNIST variants take what {@code mlpzoo train} feeds: 28x28x1, 10 classes. */
    @Test
    void fashionMnistVariantsTakeItsImages() {
        for (String name : new String[] {"ninformer_fmnist", "activator_fmnist"}) {
            ModelConfig config = Configs.variant(name);
            assertEquals(new ai.djl.ndarray.types.Shape(1, 1, 28, 28), config.inputShape(), name);
            int classes =
                    config instanceof NinformerConfig n
                            ? n.numClasses
                            : ((ActivatorConfig) config).numClasses;
            assertEquals(10, classes, name);
        }
    }

    private static ConfigException refused(String json) {
        return assertThrows(
                ConfigException.class,
                () -> Configs.read(json.getBytes(StandardCharsets.UTF_8), "test.json"));
    }

    @Test
    void impossibleConfigsAreRefusedNamingTheField() {
        ConfigException seq = refused("{\"model_type\": \"ninformer\", \"seq_len\": 49}");
        assertTrue(
                seq.getMessage().contains("field 'seq_len' (49) must be the number of patches")
                        && seq.getMessage().contains("= 64"),
                seq.getMessage());
        ConfigException patch =
                refused("{\"model_type\": \"activator\", \"image_size\": 30, \"patch_size\": 4}");
        assertTrue(
                patch.getMessage()
                        .contains(
                                "field 'patch_size' (4) does not divide field"
                                        + " 'image_size' (30)"),
                patch.getMessage());
        ConfigException width = refused("{\"model_type\": \"activator\", \"d_ffn\": 0}");
        assertTrue(width.getMessage().contains("'d_ffn'"), width.getMessage());
        ConfigException drop = refused("{\"model_type\": \"ninformer\", \"dropout\": 1.0}");
        assertTrue(drop.getMessage().contains("'dropout'"), drop.getMessage());
        ConfigException unknown = refused("{\"model_type\": \"activator\", \"seq_len\": 64}");
        assertTrue(unknown.getMessage().contains("seq_len"), unknown.getMessage());
        ConfigException huge =
                refused(
                        "{\"model_type\": \"ninformer\", \"d_model\": 2000000000, \"d_ffn\":"
                                + " 2000000000}");
        assertTrue(huge.getMessage().contains("d_model=2000000000"), huge.getMessage());
        ConfigException tokens =
                refused(
                        "{\"model_type\": \"ninformer\", \"image_size\": 2000000000,"
                                + " \"patch_size\": 1, \"seq_len\": 2000000000}");
        assertTrue(
                tokens.getMessage().contains("reduce seq_len (2000000000)"), tokens.getMessage());
    }
}
