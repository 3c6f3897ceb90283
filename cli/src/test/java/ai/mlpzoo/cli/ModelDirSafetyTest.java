package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model directory is data: it never runs code, and no weight file loads unchecked (issue 14,
 * items 1 and 7).
 */
class ModelDirSafetyTest {

    @TempDir Path tmp;

    Path model;
    Path io;
    Path marker;

    @BeforeEach
    void importModel() throws Exception {
        Path ref = Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference");
        model = tmp.resolve("model");
        io = ref.resolve("mixer_tiny.io.safetensors");
        marker = tmp.resolve("payload-ran");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        ref.resolve("mixer_tiny").toString(),
                        "--out",
                        model.toString()));
    }

    /**
     * Compiles a class whose static initializer writes the marker file; returns the classes folder.
     */
    private Path compilePayload() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/evil"));
        Files.writeString(
                src.resolve("Payload.java"),
                "package evil;\npublic class Payload {\n"
                        + "  static { try { java.nio.file.Files.writeString(java.nio.file.Paths.get(\""
                        + marker.toString().replace("\\", "\\\\")
                        + "\"), \"ran\"); } catch (Exception e) { } }\n}\n");
        Path out = Files.createDirectories(tmp.resolve("payload-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(
                0,
                javac.run(
                        null,
                        null,
                        null,
                        "-d",
                        out.toString(),
                        src.resolve("Payload.java").toString()));
        return out;
    }

    private void setProperty(String line) throws Exception {
        Path props = model.resolve("serving.properties");
        Files.writeString(props, Files.readString(props).replaceAll("(?m)^blockFactory=.*$", line));
    }

    private String[] predict(String... extra) {
        String[] base = {
            "predict",
            "--model",
            model.toString(),
            "--input",
            io.toString(),
            "--output",
            tmp.resolve("out.safetensors").toString()
        };
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void aJarInTheModelDirectoryIsRefusedAndNeverRuns() throws Exception {
        Path classes = compilePayload();
        try (OutputStream os = Files.newOutputStream(model.resolve("payload.jar"));
                JarOutputStream jar = new JarOutputStream(os)) {
            jar.putNextEntry(new JarEntry("evil/Payload.class"));
            jar.write(Files.readAllBytes(classes.resolve("evil/Payload.class")));
            jar.closeEntry();
        }
        setProperty("blockFactory=evil.Payload");
        assertCliError("carries code (payload.jar)", predict());
        assertCliError("carries code (payload.jar)", "eval", model.toString(), "--embedded");
        assertCliError(
                "carries code (payload.jar)",
                "export-onnx",
                "--model",
                model.toString(),
                "--out",
                tmp.resolve("onnx").toString());
        assertFalse(Files.exists(marker), "the payload's static initializer ran");
    }

    @Test
    void aClassesFolderIsRefused() throws Exception {
        Path classes = compilePayload();
        Files.createDirectories(model.resolve("classes/evil"));
        Files.copy(
                classes.resolve("evil/Payload.class"), model.resolve("classes/evil/Payload.class"));
        setProperty("blockFactory=evil.Payload");
        assertCliError("carries code (classes)", predict());
        assertFalse(Files.exists(marker), "the payload's static initializer ran");
    }

    @Test
    void onlyOurOwnFactoriesMayBeNamed() throws Exception {
        setProperty("blockFactory=java.lang.Thread");
        assertCliError("blockFactory=java.lang.Thread is refused", predict());
        Path props = model.resolve("serving.properties");
        setProperty("blockFactory=ai.mlpzoo.zoo.MlpZooBlockFactory");
        Files.writeString(props, Files.readString(props) + "translatorFactory=com.example.Evil\n");
        assertCliError("translatorFactory=com.example.Evil is refused", predict());
    }

    @Test
    void weightsWithoutAChecksumAreNotLoaded() throws Exception {
        Files.delete(model.resolve("model-0000.params.sha256"));
        assertCliError("has no checksum model-0000.params.sha256", predict());
        Files.createDirectory(model.resolve("model-0000.params.sha256"));
        assertCliError("has no checksum model-0000.params.sha256", predict());
    }

    @Test
    void corruptWeightsAreRefusedWhicheverFactoryIsNamed() throws Exception {
        byte[] params = Files.readAllBytes(model.resolve("model-0000.params"));
        params[params.length - 3] ^= 0x55;
        Files.write(model.resolve("model-0000.params"), params);
        assertCliError("is corrupt: its SHA-256 does not match", predict());
        setProperty("blockFactory=ai.mlpzoo.zoo.RandomInitBlockFactory");
        assertCliError("is corrupt: its SHA-256 does not match", predict());
    }

    @Test
    void modelOnnxIsVerifiedToo() throws Exception {
        Path withOnnx = tmp.resolve("with-onnx");
        assertEquals(
                0,
                MlpZooCli.run(
                        "export-onnx", "--model", model.toString(), "--out", withOnnx.toString()));
        byte[] onnx = Files.readAllBytes(withOnnx.resolve("model.onnx"));
        onnx[onnx.length - 5] ^= 0x11;
        Files.write(withOnnx.resolve("model.onnx"), onnx);
        model = withOnnx;
        assertCliError("model.onnx is corrupt", predict("--engine", "OnnxRuntime"));
        Files.delete(withOnnx.resolve("model.onnx.sha256"));
        assertCliError("has no checksum model.onnx.sha256", predict("--engine", "OnnxRuntime"));
    }
}
