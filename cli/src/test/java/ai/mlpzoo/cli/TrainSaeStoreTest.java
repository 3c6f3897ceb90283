package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.mlpzoo.capture.ActivationStoreWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train-sae on a shard folder: it learns through the bounded buffer, and bad sizes are named. */
class TrainSaeStoreTest {

    @TempDir Path tmp;

    /** 8 sparse directions in R^16, 4,000 rows over 10 shards. */
    private Path store() throws Exception {
        Path dir = tmp.resolve("acts");
        Random r = new Random(5);
        float[][] dirs = new float[8][16];
        for (float[] d : dirs) {
            for (int j = 0; j < 16; j++) {
                d[j] = (float) r.nextGaussian();
            }
        }
        try (ActivationStoreWriter w = new ActivationStoreWriter(dir, "toy", 16, 0, 400, null)) {
            for (int i = 0; i < 4000; i++) {
                float[] x = new float[16];
                for (float[] d : dirs) {
                    if (r.nextFloat() < 0.2f) {
                        float c = r.nextFloat();
                        for (int j = 0; j < 16; j++) {
                            x[j] += c * d[j];
                        }
                    }
                }
                w.add(x, null, 1);
            }
        }
        return dir;
    }

    @Test
    void trainsFromAShardFolderAndLogsMemory() throws Exception {
        Path acts = store();
        Path out = tmp.resolve("sae");
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            code =
                    MlpZooCli.run(
                            "train-sae",
                            "--activations",
                            acts.toString(),
                            "--d-sae",
                            "32",
                            "--k",
                            "4",
                            "--steps",
                            "300",
                            "--batch",
                            "64",
                            "--lr",
                            "3e-3",
                            "--buffer-rows",
                            "512",
                            "--memory-log-every",
                            "100",
                            "--out",
                            out.toString());
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        String log = stdout.toString(StandardCharsets.UTF_8);
        String err = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, log + err);
        assertTrue(Files.isRegularFile(out.resolve("cfg.json")));
        // 300 steps of 64 rows: almost 5 epochs of the 4,000 rows
        assertTrue(log.contains("on 4000 rows of toy (19200 rows served)"), log);
        assertTrue(err.contains("step 300: 19200 rows served (epoch 5 of 4000 rows), "), err);
        assertTrue(err.contains("RSS "), err);
        // the learnt SAE explains most of the variance of held rows (FVU well under 1)
        java.util.regex.Matcher fvu =
                java.util.regex.Pattern.compile(
                                "fvu[ =:]+([0-9.]+)", java.util.regex.Pattern.CASE_INSENSITIVE)
                        .matcher(log);
        assertTrue(fvu.find(), log);
        assertTrue(Double.parseDouble(fvu.group(1)) < 0.3, log);
    }

    @Test
    void aBufferSmallerThanABatchIsRefused() throws Exception {
        Path acts = store();
        assertCliError(
                "--buffer-rows (32) must be at least --batch (64)",
                "train-sae",
                "--activations",
                acts.toString(),
                "--d-sae",
                "32",
                "--k",
                "4",
                "--batch",
                "64",
                "--buffer-rows",
                "32",
                "--out",
                tmp.resolve("sae").toString());
    }

    @Test
    void aTruncatedShardIsNamed() throws Exception {
        Path acts = store();
        Path shard = acts.resolve("shard-00003.safetensors");
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(b, b.length - 100));
        assertCliError(
                "shard-00003.safetensors is truncated",
                "train-sae",
                "--activations",
                acts.toString(),
                "--d-sae",
                "32",
                "--k",
                "4",
                "--out",
                tmp.resolve("sae").toString());
    }
}
