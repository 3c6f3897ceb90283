package ai.mlpzoo.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Copies a packaged model directory out of the classpath, checked and atomically. */
final class PackagedFiles {

    private PackagedFiles() {}

    /**
     * Hashes a packaged directory's content cheaply: every small file in full, and the params file
     * by its recorded SHA-256 (which the copy then checks), so that reading the key does not read
     * megabytes of weights.
     */
    static byte[] digest(ClassLoader loader, String dir, ZooEntry e) throws IOException {
        MessageDigest md = sha256();
        boolean found = false;
        for (String name : e.allFiles()) {
            if (name.equals(ModelDirs.PARAMS) && exists(loader, dir + ModelDirs.CHECKSUM)) {
                continue;
            }
            try (InputStream is = loader.getResourceAsStream(dir + name)) {
                if (is == null) {
                    continue;
                }
                found = true;
                md.update(name.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(is.readAllBytes());
                md.update((byte) 0);
            }
        }
        if (!found) {
            throw new IOException(
                    "model "
                            + e.id()
                            + " is in the zoo index but its directory "
                            + dir
                            + " is not on the classpath");
        }
        return md.digest();
    }

    /**
     * Copies the files to {@code target} through a temporary sibling renamed into place.
     *
     * @throws IOException when serving.properties is missing or the params file does not match its
     *     checksum
     */
    static void copy(ClassLoader loader, String dir, ZooEntry e, Path target) throws IOException {
        if (!exists(loader, dir + "serving.properties")) {
            throw new IOException(
                    "packaged model " + e.id() + " has no serving.properties under " + dir);
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp");
        try {
            for (String name : e.allFiles()) {
                try (InputStream is = loader.getResourceAsStream(dir + name)) {
                    if (is != null) {
                        Files.copy(is, tmp.resolve(name));
                    }
                }
            }
            if (!intact(tmp)) {
                throw new IOException(
                        "packaged model "
                                + e.id()
                                + " is corrupt: "
                                + ModelDirs.PARAMS
                                + " does not match its SHA-256 in "
                                + ModelDirs.CHECKSUM
                                + " (a damaged jar, or weights replaced without their checksum)");
            }
            if (Files.exists(target)) {
                if (intact(target)) {
                    return; // another loader finished first
                }
                // a damaged copy: move it aside, then replace it
                Path old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old");
                Files.move(
                        target,
                        old,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                ModelDirs.deleteTree(old);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // another process renamed its complete copy into place first: use that one
                if (!Files.isDirectory(target) || !intact(target)) {
                    throw raced;
                }
            }
        } finally {
            ModelDirs.deleteTree(tmp);
        }
    }

    /**
     * @return whether the params file matches its checksum (true when either is absent)
     */
    static boolean intact(Path dir) throws IOException {
        Path params = dir.resolve(ModelDirs.PARAMS);
        Path sum = dir.resolve(ModelDirs.CHECKSUM);
        if (!Files.isRegularFile(sum)) {
            return true;
        }
        if (!Files.isRegularFile(params)) {
            return false;
        }
        MessageDigest md = sha256();
        try (InputStream is = new DigestInputStream(Files.newInputStream(params), md)) {
            is.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest()).equalsIgnoreCase(Files.readString(sum).trim());
    }

    private static boolean exists(ClassLoader loader, String resource) {
        return loader.getResource(resource) != null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
