package ai.mlpzoo.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.mlpzoo.zoo.EngineChoice;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine a served model runs on when none is configured. This module's tests have no ONNX
 * Runtime on the classpath, so the automatic choice is PyTorch and says why; the CLI's
 * ServeCommandTest, which has it, sees the zoo's classifiers on ONNX Runtime.
 */
class ServedModelEngineTest {

    private static MlpZooProperties.Model zooMixer() {
        MlpZooProperties.Model spec = new MlpZooProperties.Model();
        spec.setArtifactId("mixer");
        spec.getFilters().put("variant", "fmnist");
        return spec;
    }

    @Test
    void anEngineAskedForIsTaken() throws Exception {
        EngineChoice.Choice c =
                ServedModel.engine("PyTorch", ModelKind.SAE, true, zooMixer(), null);
        assertEquals("PyTorch", c.engine());
        assertFalse(c.automatic());
    }

    @Test
    void anEngineThatIsNotHereIsRefusedByName() {
        java.io.IOException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        java.io.IOException.class,
                        () ->
                                ServedModel.engine(
                                        "Bogus",
                                        ModelKind.IMAGE_CLASSIFIER,
                                        true,
                                        zooMixer(),
                                        null));
        assertTrue(
                e.getMessage().contains("'Bogus'") && e.getMessage().contains("PyTorch"),
                e.getMessage());
    }

    @Test
    void unsetLeavesOtherKindsToDjlsDefault() throws Exception {
        assertNull(ServedModel.engine(null, ModelKind.SAE, true, zooMixer(), null));
        assertNull(ServedModel.engine(" ", ModelKind.FORECASTER, true, zooMixer(), null));
        EngineChoice.Choice c =
                ServedModel.engine("auto", ModelKind.FORECASTER, true, zooMixer(), null);
        assertEquals("PyTorch", c.engine());
        assertTrue(c.reason().contains("images only"), c.reason());
    }

    @Test
    void aZooClassifierWithModelOnnxSaysWhyItStaysOnPyTorchWithoutOnnxRuntime() throws Exception {
        EngineChoice.Choice c =
                ServedModel.engine(null, ModelKind.IMAGE_CLASSIFIER, true, zooMixer(), null);
        assertEquals("PyTorch", c.engine());
        assertTrue(c.automatic());
        assertTrue(c.reason().contains("not on the classpath"), c.reason());
    }

    @Test
    void aDirectoryWithoutModelOnnxRunsOnPyTorch(@TempDir Path dir) throws Exception {
        EngineChoice.Choice c =
                ServedModel.engine("AUTO", ModelKind.IMAGE_CLASSIFIER, false, null, dir);
        assertEquals("PyTorch", c.engine());
        assertTrue(c.reason().contains("no model.onnx"), c.reason());
    }
}
