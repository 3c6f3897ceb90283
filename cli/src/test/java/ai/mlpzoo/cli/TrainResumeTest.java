package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.mlpzoo.config.Configs;
import ai.mlpzoo.train.ImageClassifierTrainer;
import ai.mlpzoo.train.TrainState;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training run killed with SIGKILL resumes from its last checkpoint instead of starting over. */
class TrainResumeTest {

    @TempDir Path tmp;

    /** Every test here trains on the real data set. */
    @BeforeAll
    static void needsFashionMnist() {
        assumeTrue(
                ai.mlpzoo.data.FashionMnist.isInstalled(),
                ai.mlpzoo.data.FashionMnist.notInstalledMessage());
    }

    @Test
    void killedRunResumesFromItsLastCheckpoint() throws Exception {
        Path run = tmp.resolve("run");
        ProcessBuilder pb = tinyTrainingChild(run);
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("first.log").toFile());
        Process first = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (ImageClassifierTrainer.latestCheckpoint(run) == null
                && first.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        first.destroyForcibly(); // SIGKILL: no shutdown hook, possibly mid-write
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        Path kept = ImageClassifierTrainer.latestCheckpoint(run);
        assertNotNull(
                kept,
                "a checkpoint was written before the kill: "
                        + Files.readString(tmp.resolve("first.log")));
        int done = read(kept).epoch;
        assertTrue(done >= 1 && done < 50, "killed mid-run after " + done + " epochs");

        // What a SIGKILL during a save leaves: ModelDirs' temporary siblings. Resume deletes them,
        // and nothing else (a dot-folder of the user's survives).
        Path staleTmp = Files.createDirectories(run.resolve(".checkpoint-0002.4711081512345678"));
        Files.writeString(staleTmp.resolve("architecture.json"), "{}");
        Path staleOld = Files.createDirectories(run.resolve(".model.old8812345678901234"));
        Files.writeString(staleOld.resolve("model-0000.params"), "x");
        Path users = Files.createDirectories(run.resolve(".notes"));
        Files.writeString(users.resolve("todo.txt"), "mine");

        StringWriter err = new StringWriter();
        int code =
                MlpZooCli.run(
                        new PrintWriter(err, true),
                        "train",
                        "--resume",
                        run.toString(),
                        "--epochs",
                        String.valueOf(done + 2));
        assertEquals(0, code, err.toString());

        TrainState end = read(ImageClassifierTrainer.latestCheckpoint(run));
        assertEquals(done + 2, end.epoch);
        assertEquals((done + 2) * 10L, end.step, "10 steps per epoch, none repeated, none skipped");
        List<Integer> epochs = end.history.stream().map(r -> r.epoch).collect(Collectors.toList());
        assertEquals(done + 2, epochs.size());
        for (int i = 0; i < epochs.size(); i++) {
            assertEquals(i + 1, epochs.get(i));
        }
        assertTrue(Files.isRegularFile(run.resolve("metrics.csv")));
        assertEquals(
                done + 3,
                Files.readAllLines(run.resolve("metrics.csv")).size(),
                "header + one row per epoch");
        assertTrue(Files.size(run.resolve("curves.png")) > 1000);
        assertTrue(Files.isRegularFile(run.resolve("model").resolve("model-0000.params")));
        // only the newest checkpoint is kept, and no half-written directory is left visible
        try (var files = Files.list(run)) {
            long checkpoints =
                    files.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).count();
            assertEquals(1, checkpoints);
        }
        assertTrue(new File(run.toFile(), "model").isDirectory());
        assertFalse(Files.exists(staleTmp), "stale temporary checkpoint deleted on resume");
        assertFalse(Files.exists(staleOld), "stale replaced model deleted on resume");
        assertEquals("mine", Files.readString(users.resolve("todo.txt")));
    }

    @Test
    void sigtermStopsBetweenStepsWithoutANativeCrash() throws Exception {
        Path run = tmp.resolve("run");
        Path workDir =
                Files.createDirectories(
                        tmp.resolve("cwd")); // where a JVM crash would leave hs_err_pid*.log
        ProcessBuilder pb = tinyTrainingChild(run);
        Path log = tmp.resolve("term.log");
        pb.directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        // wait until the second epoch's steps run
        while (!(Files.exists(log) && Files.readString(log).contains("epoch 2/50 ["))
                && p.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        p.destroy(); // SIGTERM, as Ctrl-C or a service manager sends
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the run stops");
        String out = Files.readString(log);
        assertEquals(143, p.exitValue(), "exit by SIGTERM, not by a crash (134): " + out);
        // the message promises what resume does: restart at the last checkpoint (end of epoch 1)
        assertTrue(out.contains("the last checkpoint is epoch 1 (step 10)"), out);
        assertTrue(out.contains("mlpzoo train --resume " + run + " continues from step 10"), out);
        assertTrue(out.contains("steps are redone"), out);
        try (var files = Files.list(workDir)) {
            assertEquals(
                    List.of(),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toList()),
                    "no hs_err crash log");
        }
    }

    @Test
    void recipeOptionsReachTheCheckpoint() throws Exception {
        Path config = tmp.resolve("tiny.json");
        Files.writeString(config, TINY);
        Path run = tmp.resolve("recipe");
        StringWriter err = new StringWriter();
        int code =
                MlpZooCli.run(
                        new PrintWriter(err, true),
                        "train",
                        config.toString(),
                        "--epochs",
                        "1",
                        "--train-limit",
                        "128",
                        "--batch",
                        "64",
                        "--augment-shift",
                        "1",
                        "--drop-path",
                        "0.2",
                        "--out",
                        run.toString());
        assertEquals(0, code, err.toString());
        Path checkpoint = ImageClassifierTrainer.latestCheckpoint(run);
        assertEquals(1, read(checkpoint).options.augmentShift);
        assertTrue(read(checkpoint).options.augmentFlip);
        var architecture =
                Configs.MAPPER.readTree(checkpoint.resolve("architecture.json").toFile());
        assertEquals(0.2, architecture.get("drop_path_rate").asDouble(), 1e-12);

        assertTrainError(
                "--drop-path must be in [0, 1), got 1.5", config.toString(), "--drop-path", "1.5");
        assertTrainError(
                "--drop-path applies to Mixer-family models", "kan_fmnist", "--drop-path", "0.1");
        assertTrainError(
                "augment_shift must be in [0, 14), got 20",
                config.toString(),
                "--augment-shift",
                "20");
    }

    /** A model for other images than Fashion-MNIST's is refused naming both shapes. */
    @Test
    void aModelForAnotherImageSizeIsRefusedNamingBothShapes() throws Exception {
        Path config = tmp.resolve("rgb32.json");
        Files.writeString(
                config,
                "{\"block\": \"mixer\", \"img_size\": 32, \"in_chans\": 3, \"patch_size\": 8,"
                        + " \"num_blocks\": 1, \"embed_dim\": 16, \"num_classes\": 10}");
        CliAssertions.assertCliError(
                "the model takes images of shape (3, 32, 32) (3072 values) but Fashion-MNIST"
                        + " images are (1, 28, 28)",
                "train",
                config.toString(),
                "--epochs",
                "1",
                "--out",
                tmp.resolve("rgb-run").toString());
        Path model = tmp.resolve("rgb-model");
        assertEquals(
                0,
                MlpZooCli.run(
                        "import",
                        "--format",
                        "timm",
                        Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference")
                                .resolve("mixer_tiny")
                                .toString(),
                        "--out",
                        model.toString()));
        CliAssertions.assertCliError(
                "Fashion-MNIST images are (1, 28, 28) (784 values)",
                "eval",
                model.toString(),
                "--dataset",
                "fashion-mnist",
                "--embedded");
    }

    /** Asserts the refusal of {@code train <args> --epochs 1}, and that the run wrote nothing. */
    private void assertTrainError(String expected, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(
                new String[] {"--epochs", "1", "--out", tmp.resolve("never").toString()},
                0,
                all,
                args.length + 1,
                4);
        CliAssertions.assertCliError(expected, all);
        assertTrue(Files.notExists(tmp.resolve("never")), "nothing written for a refused run");
    }

    private static final String TINY =
            "{\"block\": \"mixer\", \"img_size\": 28, \"in_chans\": 1, \"patch_size\": 7,"
                    + " \"num_blocks\": 1, \"embed_dim\": 16, \"num_classes\": 10}";

    /** A child JVM training a one-block Mixer for 50 epochs of 10 steps into {@code run}. */
    private ProcessBuilder tinyTrainingChild(Path run) throws Exception {
        Path config = tmp.resolve("tiny.json");
        Files.writeString(config, TINY);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dai.djl.offline=true",
                "-Djava.awt.headless=true",
                "-Dmlpzoo.fashionMnist=" + ai.mlpzoo.data.FashionMnist.defaultDir(),
                MlpZooCli.class.getName(),
                "train",
                config.toString(),
                "--epochs",
                "50",
                "--train-limit",
                "640",
                "--batch",
                "64",
                "--out",
                run.toString());
    }

    private static TrainState read(Path checkpoint) throws Exception {
        return Configs.MAPPER.readValue(
                checkpoint.resolve(ImageClassifierTrainer.STATE).toFile(), TrainState.class);
    }
}
