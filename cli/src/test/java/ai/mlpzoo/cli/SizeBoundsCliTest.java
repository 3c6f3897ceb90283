package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14, item 9: sizes are bounded, and an Error ends in one line and exit code 1. */
class SizeBoundsCliTest {

    @TempDir Path tmp;

    static Path reference() {
        return Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference");
    }

    /**
     * {@code num_blocks} 10,000,000 in a checkpoint's config ran 146 s to 9 GB and ended in an
     * OutOfMemoryError; it is refused from the config alone, in well under a second, naming the
     * file, the estimate, the limit and the field.
     */
    @Test
    void aCheckpointWithTenMillionBlocksIsRefusedAtOnce() throws IOException {
        Path ck = Files.createDirectories(tmp.resolve("ck"));
        Path src = reference().resolve("mixer_tiny");
        Files.copy(src.resolve("model.safetensors"), ck.resolve("model.safetensors"));
        String config = Files.readString(src.resolve("config.json"));
        assertTrue(config.contains("\"num_blocks\": 2"), config);
        Files.writeString(
                ck.resolve("config.json"),
                config.replace("\"num_blocks\": 2", "\"num_blocks\": 10000000"));
        // the first run loads the command's classes; the second is timed
        assertCliError(
                ck.resolve("config.json") + ": fields num_blocks=10000000",
                "import",
                "--format",
                "timm",
                ck.toString(),
                "--out",
                tmp.resolve("out").toString());
        long start = System.nanoTime();
        assertCliError(
                "of memory; reduce num_blocks",
                "import",
                "--format",
                "timm",
                ck.toString(),
                "--out",
                tmp.resolve("out").toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("num_blocks 10,000,000 refused in %.3f s%n", seconds);
        assertTrue(seconds < 1.0, "refused in " + seconds + " s");
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    /**
     * An Error in a command (here out of memory: a 60 MB safetensors header under a 32 MB heap) is
     * one line on stderr and exit code 1, from the real main(), not a stack trace.
     */
    @Test
    void anOutOfMemoryErrorIsOneLineAndExitCode1() throws Exception {
        Path model = tmp.resolve("model");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        reference().resolve("mixer_tiny").toString(),
                        "--out",
                        model.toString()));
        byte[] header = new byte[60 << 20];
        java.util.Arrays.fill(header, (byte) ' ');
        header[0] = '{';
        header[header.length - 1] = '}';
        Path input = tmp.resolve("bighead.safetensors");
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        len.putLong(header.length);
        Files.write(input, len.array());
        Files.write(input, header, java.nio.file.StandardOpenOption.APPEND);

        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process p =
                new ProcessBuilder(
                                List.of(
                                        java.toString(),
                                        "-Xmx32m",
                                        "-Dai.djl.offline=true",
                                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=off",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        MlpZooCli.class.getName(),
                                        "predict",
                                        "--model",
                                        model.toString(),
                                        "--input",
                                        input.toString(),
                                        "--output",
                                        tmp.resolve("o.safetensors").toString()))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        List<String> lines =
                new String(err, StandardCharsets.UTF_8)
                        .lines()
                        .filter(
                                l ->
                                        l.startsWith("mlpzoo:")
                                                || l.contains("Exception")
                                                || l.contains("\tat "))
                        .toList();
        assertEquals(1, p.exitValue(), "exit code; stderr: " + lines);
        assertEquals(1, lines.size(), "one line: " + lines);
        assertTrue(
                lines.get(0).startsWith("mlpzoo: error: out of memory")
                        && lines.get(0).contains("raise -Xmx"),
                lines.get(0));
    }
}
