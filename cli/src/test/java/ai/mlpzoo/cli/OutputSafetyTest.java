package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI never deletes or replaces what it did not write (issue 14, items 2 and 3). */
class OutputSafetyTest {

    @TempDir Path tmp;

    Path checkpoint;

    /** A private copy of a timm fixture, so that a regression cannot touch the committed one. */
    @BeforeEach
    void copyFixture() throws Exception {
        Path src =
                Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "mixer_tiny");
        checkpoint = Files.createDirectory(tmp.resolve("mixer_tiny"));
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, checkpoint.resolve(f.getFileName()));
            }
        }
    }

    private String[] importTo(Path out, String... extra) {
        String[] base = {
            "import", "--format", "timm", checkpoint.toString(), "--out", out.toString()
        };
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void importRefusesAFolderWithSomeoneElsesFiles() throws Exception {
        Path mine = Files.createDirectory(tmp.resolve("notes"));
        Files.writeString(mine.resolve("thesis.tex"), "precious");
        assertCliError(
                "is a folder with other content, not an mlp-zoo model directory", importTo(mine));
        assertEquals("precious", Files.readString(mine.resolve("thesis.tex")));
        assertCliError("is a folder with other content", importTo(mine, "--force"));
        assertTrue(
                Files.exists(mine.resolve("thesis.tex")),
                "--force replaces only our own model directories");
    }

    @Test
    void importRefusesToWriteOverOrInsideItsInput() throws Exception {
        assertCliError("would overwrite the input", importTo(checkpoint));
        assertCliError("would overwrite the input", importTo(checkpoint.resolve("sub")));
        assertCliError("would overwrite the input", importTo(tmp, "--force"));
        assertTrue(
                Files.isRegularFile(checkpoint.resolve("model.safetensors")),
                "the checkpoint is intact");
        assertTrue(Files.isRegularFile(checkpoint.resolve("config.json")));
    }

    @Test
    void anExistingModelDirectoryIsReplacedOnlyWithForce() throws Exception {
        Path out = tmp.resolve("model");
        assertEquals(0, MlpZooCli.run(importTo(out)));
        assertCliError("holds a model directory already: pass --force", importTo(out));
        assertEquals(0, MlpZooCli.run(importTo(out, "--force")));
        assertTrue(Files.isRegularFile(out.resolve("architecture.json")));
    }

    @Test
    void anEmptyFolderIsFine() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("empty"));
        Files.setPosixFilePermissions(
                out, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(0, MlpZooCli.run(importTo(out)));
        assertTrue(Files.isRegularFile(out.resolve("model-0000.params")));
        // a service account that did not write the model must be able to read it
        assertEquals(
                "rw-r--r--",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(out.resolve("model-0000.params"))));
    }

    @Test
    void trainRefusesAFolderWithOtherContentBeforeReadingData() throws Exception {
        Path mine = Files.createDirectory(tmp.resolve("photos"));
        Files.writeString(mine.resolve("cat.jpg"), "meow");
        assertCliError(
                "is a folder with other content, not a run directory",
                "train",
                "mixer_fmnist",
                "--epochs",
                "1",
                "--out",
                mine.toString());
        assertEquals("meow", Files.readString(mine.resolve("cat.jpg")));
    }

    @Test
    void predictToDevNullLeavesTheDeviceInPlace() throws Exception {
        Path model = tmp.resolve("model");
        assertEquals(0, MlpZooCli.run(importTo(model)));
        Path io =
                Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "mixer_tiny.io.safetensors");
        Path devNull = Paths.get("/dev/null");
        assertEquals(
                0,
                MlpZooCli.run(
                        "predict",
                        "--model",
                        model.toString(),
                        "--input",
                        io.toString(),
                        "--output",
                        devNull.toString()));
        BasicFileAttributes a = Files.readAttributes(devNull, BasicFileAttributes.class);
        assertTrue(a.isOther(), "/dev/null is still a device");
        assertFalse(a.isRegularFile());
    }
}
