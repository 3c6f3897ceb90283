package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.StandardSae;
import org.junit.jupiter.api.Test;

/** Blocks the exporter does not know fail with the block's class and path, never a wrong graph. */
class OnnxExporterErrorsTest {

    @Test
    void unknownBlockNamesItsClassAndPath() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SequentialBlock seq = new SequentialBlock();
            seq.add(Linear.builder().setUnits(4).build());
            seq.add(BatchNorm.builder().build());
            seq.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            UnsupportedBlockException e =
                    assertThrows(
                            UnsupportedBlockException.class,
                            () -> OnnxExporter.export(seq, new Shape(1, 3)));
            assertEquals(BatchNorm.class.getName(), e.getBlockClass());
            assertTrue(e.getMessage().contains("ai.djl.nn.norm.BatchNorm"), e.getMessage());
            assertTrue(
                    e.getMessage().contains("'02BatchNorm'")
                            || e.getMessage().contains("BatchNorm"),
                    e.getMessage());
        }
    }

    /** The exporter reads blocks through accessors only: DJL's LayerNorm hides its epsilon. */
    @Test
    void djlLayerNormIsRefusedWithTheAlternative() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SequentialBlock seq = new SequentialBlock();
            seq.add(Linear.builder().setUnits(4).build());
            seq.add(LayerNorm.builder().axis(1).build());
            seq.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            UnsupportedBlockException e =
                    assertThrows(
                            UnsupportedBlockException.class,
                            () -> OnnxExporter.export(seq, new Shape(1, 3)));
            assertEquals(LayerNorm.class.getName(), e.getBlockClass());
            assertTrue(
                    e.getMessage().contains("ai.mlpzoo.blocks.common.ChannelLayerNorm"),
                    e.getMessage());
        }
    }

    @Test
    void lambdaActivationIsNotGuessed() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SequentialBlock seq = new SequentialBlock();
            seq.add(Linear.builder().setUnits(4).build()).add(Activation::tanh);
            seq.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            UnsupportedBlockException e =
                    assertThrows(
                            UnsupportedBlockException.class,
                            () -> OnnxExporter.export(seq, new Shape(1, 3)));
            assertTrue(e.getMessage().contains("LambdaBlock"), e.getMessage());
        }
    }

    @Test
    void subclassOfAKnownBlockIsUnknown() {
        class MySae extends StandardSae {
            MySae() {
                super(SaeDims.autoencoder(4, 8));
            }
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            MySae sae = new MySae();
            sae.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            UnsupportedBlockException e =
                    assertThrows(
                            UnsupportedBlockException.class,
                            () -> OnnxExporter.export(sae, new Shape(1, 4)));
            assertTrue(e.getMessage().contains(MySae.class.getName()), e.getMessage());
            assertTrue(e.getMessage().contains("the model root"), e.getMessage());
        }
    }
}
