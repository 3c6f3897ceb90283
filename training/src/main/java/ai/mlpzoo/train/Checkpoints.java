package ai.mlpzoo.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.zoo.ModelDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The checkpoints every trainer writes: after each epoch a {@code checkpoint-NNNN} folder that is a
 * model directory plus the optimiser moments ({@value #OPTIMIZER}) and the run's state ({@value
 * #STATE}, the trainer's own JSON), made visible by one atomic rename; once it is complete the
 * older ones are deleted. Resuming reads the newest complete one.
 */
public final class Checkpoints {

    /** The optimiser state file inside a checkpoint. */
    public static final String OPTIMIZER = "optimizer.safetensors";

    /** The run state file inside a checkpoint. */
    public static final String STATE = "state.json";

    private Checkpoints() {}

    /**
     * Finds the newest complete checkpoint of a run.
     *
     * @param out the run directory
     * @return the checkpoint directory, or null
     * @throws IOException when the directory cannot be listed
     */
    public static Path latest(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return null;
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().matches("checkpoint-\\d{4}"))
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .max(Path::compareTo)
                    .orElse(null);
        }
    }

    /**
     * @param block a model
     * @return its parameters' ids to their state-dict names
     */
    public static Map<String, String> idToName(Block block) {
        Map<String, String> idToName = new HashMap<>();
        NamedParameters.of(block).forEach((k, p) -> idToName.put(p.getId(), k));
        return idToName;
    }

    /**
     * Writes {@code checkpoint-<epoch>} and deletes the older checkpoints once it is complete.
     *
     * @param out the run directory
     * @param epoch the epochs completed
     * @param config the architecture
     * @param block the model
     * @param metadataJson the model directory's metadata
     * @param properties extra serving.properties entries, or null
     * @param adamw the optimiser, whose moments are saved under the parameters' names
     * @param state the run state, written as JSON
     * @return the checkpoint directory
     * @throws IOException when writing fails
     */
    public static Path save(
            Path out,
            int epoch,
            ModelConfig config,
            Block block,
            String metadataJson,
            Map<String, String> properties,
            AdamW adamw,
            Object state)
            throws IOException {
        Map<String, String> idToName = idToName(block);
        Path dir = out.resolve(String.format(Locale.ROOT, "checkpoint-%04d", epoch));
        ModelDirs.save(
                dir,
                config,
                block,
                metadataJson,
                properties,
                tmp -> {
                    SafeTensors.write(adamw.exportState(idToName), tmp.resolve(OPTIMIZER));
                    Files.writeString(tmp.resolve(STATE), Configs.toJson(state) + "\n");
                });
        // the new checkpoint is complete: older ones can go
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("checkpoint-\\d{4}") && !p.equals(dir)) {
                    deleteTree(p);
                }
            }
        }
        return dir;
    }

    /**
     * Reads the run state of a checkpoint.
     *
     * @param checkpoint the checkpoint directory
     * @param type the trainer's state class
     * @param <T> that class
     * @return the state
     * @throws IOException when the file is missing or corrupt
     */
    public static <T> T readState(Path checkpoint, Class<T> type) throws IOException {
        return Configs.MAPPER.readValue(checkpoint.resolve(STATE).toFile(), type);
    }

    /**
     * Loads a checkpoint's (or model directory's) weights into a model whose block is set, after
     * checking them against their checksum.
     *
     * @param model the model
     * @param dir the checkpoint or model directory
     * @throws IOException when the parameters are missing or corrupt
     */
    public static void loadWeights(Model model, Path dir) throws IOException {
        try {
            ModelDirs.verify(dir);
            model.load(dir, ModelDirs.MODEL_NAME);
        } catch (MalformedModelException e) {
            throw new IOException(dir + ": corrupt parameters: " + e.getMessage(), e);
        }
    }

    /**
     * Restores the optimiser moments of a checkpoint into an optimiser whose parameters are
     * initialised.
     *
     * @param adamw the optimiser
     * @param checkpoint the checkpoint directory
     * @param block the model (for the parameters' names)
     * @param manager a manager for temporaries
     * @throws IOException when the file is missing or corrupt
     */
    public static void loadOptimizer(AdamW adamw, Path checkpoint, Block block, NDManager manager)
            throws IOException {
        Map<String, String> nameToId = new HashMap<>();
        for (Map.Entry<String, Parameter> e : NamedParameters.of(block).entrySet()) {
            nameToId.put(e.getKey(), e.getValue().getId());
        }
        try (NDManager tmp = manager.newSubManager()) {
            adamw.importState(
                    SafeTensors.read(tmp, checkpoint.resolve(OPTIMIZER)), nameToId, manager);
        }
    }

    /**
     * What a run stopped by SIGTERM or Ctrl-C tells the user: where it stopped, and where a resume
     * will really start (the last saved checkpoint, whose step may be earlier).
     *
     * @param out the run directory
     * @param step the step reached
     * @param lastEpoch the epoch of the last checkpoint, 0 when none was saved
     * @param lastStep the step of the last checkpoint
     * @return the message
     */
    public static String stoppedMessage(Path out, long step, int lastEpoch, long lastStep) {
        if (lastEpoch == 0) {
            return String.format(
                    Locale.ROOT,
                    "%nstopped at step %d, before the first checkpoint (saved at the end of each"
                            + " epoch): nothing to resume; run mlpzoo train again",
                    step);
        }
        return String.format(
                Locale.ROOT,
                "%nstopped at step %d; the last checkpoint is epoch %d (step %d), so"
                        + " mlpzoo train --resume %s continues from step %d (%d steps are redone)",
                step,
                lastEpoch,
                lastStep,
                out,
                lastStep,
                step - lastStep);
    }

    /**
     * Deletes a folder and everything in it.
     *
     * @param dir the folder
     * @throws IOException when a file cannot be deleted
     */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p :
                    (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
