package ai.mlpzoo.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes replace regular files only: devices are written in place, directories refused. */
class AtomicFilesTest {

    @TempDir Path tmp;

    @Test
    void aRegularFileIsReplaced() throws Exception {
        Path f = tmp.resolve("out.txt");
        Files.writeString(f, "old");
        AtomicFiles.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temporary file left");
        }
    }

    @Test
    void aWrittenFileIsReadableByOthers() throws Exception {
        Path f = tmp.resolve("model.onnx");
        AtomicFiles.writeString(f, "x");
        assertEquals(
                "rw-r--r--",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(f)));
    }

    @Test
    void devNullStaysADevice() throws Exception {
        Path devNull = Paths.get("/dev/null");
        Object before = Files.readAttributes(devNull, BasicFileAttributes.class).fileKey();
        AtomicFiles.writeString(devNull, "discarded");
        BasicFileAttributes after = Files.readAttributes(devNull, BasicFileAttributes.class);
        assertTrue(after.isOther(), "/dev/null is still a device, not a regular file");
        assertFalse(after.isRegularFile());
        assertEquals(before, after.fileKey());
    }

    @Test
    void aSymlinkIsFollowedAndKept() throws Exception {
        Path target = tmp.resolve("real.txt");
        Files.writeString(target, "old");
        Path link = Files.createSymbolicLink(tmp.resolve("link.txt"), target);
        AtomicFiles.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(target));
        assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aDirectoryIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("d"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(dir, "x"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(dir));
    }
}
