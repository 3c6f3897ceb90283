package ai.mlpzoo.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs are bounded by what the JVM can hold, and config files by size and kind. */
class ConfigBoundsTest {

    @TempDir Path dir;

    @Test
    void hugeNumBlocksIsRefusedBeforeAnyBlockIsBuilt() {
        String json =
                "{\"block\":\"mixer\",\"img_size\":28,\"in_chans\":1,\"patch_size\":4,"
                        + "\"num_blocks\":10000000,\"embed_dim\":512,\"num_classes\":10}";
        ConfigException e =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(5),
                        () ->
                                assertThrows(
                                        ConfigException.class,
                                        () ->
                                                Configs.read(
                                                        json.getBytes(StandardCharsets.UTF_8),
                                                        "config.json")));
        assertTrue(e.getMessage().contains("num_blocks=10000000"), e.getMessage());
        assertTrue(e.getMessage().contains("more than this JVM can hold"), e.getMessage());
        assertTrue(e.getMessage().contains("max heap"), e.getMessage());
    }

    @Test
    void hugeForecastersAreRefusedBeforeAnyBlockIsBuilt() {
        String tsmixer =
                "{\"model_type\":\"tsmixer_google\",\"sequence_length\":8,"
                        + "\"prediction_length\":4,\"input_channels\":2,\"num_blocks\":2000000000}";
        String patchtsmixer =
                "{\"model_type\":\"patchtsmixer\",\"context_length\":32,\"d_model\":4096,"
                        + "\"num_layers\":1000000,\"prediction_length\":4}";
        for (String json : new String[] {tsmixer, patchtsmixer}) {
            ConfigException e =
                    assertTimeoutPreemptively(
                            Duration.ofSeconds(5),
                            () ->
                                    assertThrows(
                                            ConfigException.class,
                                            () ->
                                                    Configs.read(
                                                            json.getBytes(StandardCharsets.UTF_8),
                                                            "config.json")));
            assertTrue(e.getMessage().contains("more than this JVM can hold"), e.getMessage());
            assertTrue(e.getMessage().contains("num_"), e.getMessage());
        }
    }

    @Test
    void aShippedVariantStillFits() {
        Configs.mixerVariant("mixer_l16_224").validate();
    }

    @Test
    void configFilesAreReadBounded() throws IOException {
        Path ok = dir.resolve("ok.json");
        Files.writeString(ok, "{}");
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), Configs.readFile(ok, "config"));

        Path big = dir.resolve("big.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(Configs.MAX_CONFIG_BYTES + 1); // sparse: no disk used
        }
        IOException e = assertThrows(IOException.class, () -> Configs.readFile(big, "config"));
        assertTrue(e.getMessage().contains("bytes a config may have"), e.getMessage());

        IOException notFile =
                assertThrows(IOException.class, () -> Configs.readFile(dir, "config.json"));
        assertTrue(notFile.getMessage().contains("not a regular file"), notFile.getMessage());

        assertThrows(
                NoSuchFileException.class,
                () -> Configs.readFile(dir.resolve("missing.json"), "config.json"));
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo.json");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(p.waitFor() == 0, "mkfifo failed");
        IOException e =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(5),
                        () -> assertThrows(IOException.class, () -> Configs.readFile(fifo, "cfg")));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
}
