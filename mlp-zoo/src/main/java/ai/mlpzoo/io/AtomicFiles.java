package ai.mlpzoo.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the complete new one: the bytes go to
 * a temporary file in the same folder, are forced to disk, and the file is renamed into place. A
 * process killed mid-write leaves at most a stray temporary file.
 *
 * <p>Only regular files are replaced that way. An existing target that is a device, a FIFO or a
 * socket ({@code --output /dev/null}, {@code /dev/stdout}) is written in place: renaming over it
 * would replace a system file with a regular one. A directory is refused. A symbolic link is
 * followed, so the link stays and its target gets the new content.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /**
     * Writes {@code file} atomically.
     *
     * @param file the target
     * @param writer what to write
     * @throws IOException when writing fails (the target is then untouched), or the target is a
     *     directory
     */
    public static void write(Path file, SafeTensors.Writer writer) throws IOException {
        Path abs = file.toAbsolutePath();
        if (Files.exists(abs)) {
            abs = abs.toRealPath();
            if (Files.isDirectory(abs)) {
                throw new IOException(file + " is a directory; name a file to write");
            }
            if (!Files.isRegularFile(abs)) {
                try (OutputStream os =
                        new BufferedOutputStream(
                                Files.newOutputStream(abs, StandardOpenOption.WRITE))) {
                    writer.write(os);
                }
                return;
            }
        }
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            readableByOthers(tmp);
            try (OutputStream os =
                    new BufferedOutputStream(
                            Files.newOutputStream(tmp, StandardOpenOption.WRITE))) {
                writer.write(os);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(
                        tmp,
                        abs,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Gives a file (rw-r--r--) or folder (rwxr-xr-x) the modes of an ordinary written file: the
     * temporary files this class and {@code ModelDirs} start from are owner-only, and a model must
     * stay readable by a service account that did not write it.
     *
     * @param path the file or folder
     * @throws IOException when the modes cannot be set
     */
    public static void readableByOthers(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(
                    path,
                    java.nio.file.attribute.PosixFilePermissions.fromString(
                            Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults hold
        }
    }

    /**
     * Writes a text file atomically.
     *
     * @param file the target
     * @param text the content (UTF-8)
     * @throws IOException when writing fails
     */
    public static void writeString(Path file, String text) throws IOException {
        write(file, os -> os.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
