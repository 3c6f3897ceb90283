package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 11: bad inputs get one line naming the file, the field and the fix, instead of an
 * engine's or a parser's text ("Unsupported encoding version: 0", EOFException, "Stride calculation
 * overflowed", "Input type (int) and bias type (float) should be the same", a fraction read as an
 * integer).
 */
class MessagesCliTest {

    @TempDir static Path tmp;

    static Path reference;
    static Path model;
    static Path io;

    @BeforeAll
    static void importModel() {
        reference = Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference");
        model = tmp.resolve("model");
        io = reference.resolve("mixer_tiny.io.safetensors");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        reference.resolve("mixer_tiny").toString(),
                        "--out",
                        model.toString()));
    }

    /** A copy of the model whose architecture.json has one field replaced. */
    private static Path withArchitecture(String name, String from, String to) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        try (var files = Files.list(model)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path arch = dir.resolve("architecture.json");
        String json = Files.readString(arch);
        assertTrue(json.contains(from), json);
        Files.writeString(arch, json.replace(from, to));
        return dir;
    }

    private static void assertPredictError(String expected, Path dir, Path input) {
        assertCliError(
                expected,
                "predict",
                "--model",
                dir.toString(),
                "--input",
                input.toString(),
                "--output",
                tmp.resolve("out.safetensors").toString());
    }

    /** A different num_classes was loaded silently: DJL takes each shape from the weights. */
    @Test
    void architectureWithAnotherNumClassesNamesBothFilesAndTheField() throws IOException {
        Path dir = withArchitecture("classes", "\"num_classes\" : 10", "\"num_classes\" : 7");
        assertPredictError(
                dir.resolve("model-0000.params")
                        + " does not match "
                        + dir.resolve("architecture.json")
                        + ": parameter '05head_weight' has shape (10, 64) in the weights but (7,"
                        + " 64) by the architecture; fix num_classes",
                dir,
                io);
    }

    /** A different width, also loaded silently before. */
    @Test
    void architectureWithAnotherWidthIsNamed() throws IOException {
        Path dir = withArchitecture("width", "\"embed_dim\" : 64", "\"embed_dim\" : 32");
        assertPredictError("(64, 3, 8, 8) in the weights but (32, 3, 8, 8)", dir, io);
    }

    /** A different depth was "Unsupported encoding version: 0" (more) or EOFException (fewer). */
    @Test
    void architectureWithAnotherDepthNamesBothFiles() throws IOException {
        Path more = withArchitecture("deeper", "\"num_blocks\" : 2", "\"num_blocks\" : 3");
        assertPredictError(
                "architecture.json: the weights hold a different number or kind of layers",
                more,
                io);
        assertPredictError("fix the fields that set the depth (e.g. num_blocks", more, io);
        Path fewer = withArchitecture("shallower", "\"num_blocks\" : 2", "\"num_blocks\" : 1");
        assertPredictError(fewer.resolve("model-0000.params") + " does not match", fewer, io);
    }

    /** A fraction was truncated (2.5 blocks became 2) and a string parsed. */
    @Test
    void aFractionOrStringWhereAWholeNumberBelongsIsRefused() throws IOException {
        Path half = withArchitecture("half", "\"num_blocks\" : 2", "\"num_blocks\" : 2.5");
        assertPredictError(
                half.resolve("architecture.json")
                        + ": field 'num_blocks' must be a whole number, got 2.5",
                half,
                io);
        Path text = withArchitecture("text", "\"embed_dim\" : 64", "\"embed_dim\" : \"64\"");
        assertPredictError("field 'embed_dim' must be a whole number", text, io);
    }

    /** SAELens' cfg.json: d_sae 64.5 was read as 64. */
    @Test
    void aFractionInAnSaeConfigIsRefused() throws IOException {
        Path ck = Files.createDirectories(tmp.resolve("sae-half"));
        Path src = reference.resolve("sae").resolve("saelens_standard");
        Files.copy(src.resolve("sae_weights.safetensors"), ck.resolve("sae_weights.safetensors"));
        String cfg = Files.readString(src.resolve("cfg.json"));
        assertTrue(cfg.contains("\"d_sae\": 64"), cfg);
        Files.writeString(ck.resolve("cfg.json"), cfg.replace("\"d_sae\": 64", "\"d_sae\": 64.5"));
        assertCliError(
                "cfg.json: field 'd_sae' must be a whole number, got 64.5",
                "import",
                "--format",
                "saelens",
                ck.toString(),
                "--out",
                tmp.resolve("sae-out").toString());
    }

    /** A safetensors header whose shape is a fraction, or whose byte size overflows. */
    @Test
    void safetensorsShapesAreWholeAndBounded() throws IOException {
        Path overflow =
                write(
                        "overflow.safetensors",
                        "{\"input\":{\"dtype\":\"F32\",\"shape\":[0,3037000500,3037000500],"
                                + "\"data_offsets\":[0,0]}}",
                        0);
        assertPredictError(
                "overflow.safetensors: tensor 'input' has an impossibly large shape"
                        + " [0,3037000500,3037000500]: its byte size overflows 64 bits",
                model,
                overflow);
        Path fraction =
                write(
                        "fraction.safetensors",
                        "{\"input\":{\"dtype\":\"F32\",\"shape\":[2.0,3,32,32],"
                                + "\"data_offsets\":[0,24576]}}",
                        24576);
        assertPredictError(
                "fraction.safetensors: tensor 'input' has a bad shape [2.0,3,32,32]: each"
                        + " dimension must be a whole number",
                model,
                fraction);
        Path offsets =
                write(
                        "offsets.safetensors",
                        "{\"input\":{\"dtype\":\"F32\",\"shape\":[2,3,32,32],"
                                + "\"data_offsets\":[0,24576.0]}}",
                        24576);
        assertPredictError("field 'data_offsets' must be two whole numbers", model, offsets);
    }

    /** An integer tensor met the engine's "Input type (int) and bias type (float)". */
    @Test
    void anIntegerInputIsNamed() throws IOException {
        Path ints =
                write(
                        "ints.safetensors",
                        "{\"input\":{\"dtype\":\"I32\",\"shape\":[2,3,32,32],"
                                + "\"data_offsets\":[0,24576]}}",
                        24576);
        assertPredictError(
                "ints.safetensors: tensor 'input' is int32; the model takes floating point",
                model,
                ints);
        Path other =
                write(
                        "other.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                        4);
        assertPredictError(
                "other.safetensors has no tensor named 'input' (it has: x)", model, other);
    }

    /** An unknown engine was DJL's "ModelZoo doesn't support specified engine". */
    @Test
    void anUnknownEngineIsNamedWithTheAvailableOnes() {
        assertCliError(
                "--engine Foo is not available; available: ",
                "predict",
                "--engine",
                "Foo",
                "--model",
                model.toString(),
                "--input",
                io.toString(),
                "--output",
                tmp.resolve("o-engine.safetensors").toString());
    }

    /** A KAN's config.json imported as timm said only that 'architecture' is missing. */
    @Test
    void theWrongFormatSaysToPassTheRightOne() {
        assertCliError(
                "not a timm config.json; pass the --format of the library that wrote the checkpoint",
                "import",
                "--format",
                "timm",
                reference.resolve("kan_bspline_tiny").toString(),
                "--out",
                tmp.resolve("kan-as-timm").toString());
    }

    private static Path write(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve(name);
        Files.write(f, b.array());
        return f;
    }
}
