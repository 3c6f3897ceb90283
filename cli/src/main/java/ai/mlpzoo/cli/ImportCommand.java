package ai.mlpzoo.cli;

import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.loading.CheckpointImporter;
import ai.mlpzoo.loading.Importers;
import ai.mlpzoo.zoo.ModelDirs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mlpzoo import --format F <checkpoint-dir> --out <model-dir>}. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description =
                "Import a reference library's checkpoint folder as an mlp-zoo model directory.")
final class ImportCommand implements Callable<Integer> {

    @Option(
            names = "--format",
            required = true,
            description = "checkpoint format: ${COMPLETION-CANDIDATES}",
            completionCandidates = Formats.class)
    String format;

    @Parameters(index = "0", paramLabel = "<checkpoint-dir>", description = "the checkpoint folder")
    Path checkpoint;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "<model-dir>",
            description = "model directory to write")
    Path out;

    @Option(names = "--force", description = "replace an existing model directory at --out")
    boolean force;

    @Override
    public Integer call() throws Exception {
        CheckpointImporter importer = Importers.get(format);
        // refuse before any work: never overwrite the checkpoint or a folder we did not write
        ModelDirs.checkOutput(out, force, checkpoint);
        ModelConfig config = importer.importCheckpoint(checkpoint, out);
        System.out.println("imported " + config + " to " + out);
        return 0;
    }

    /** The known formats, for the help text. */
    static final class Formats implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Importers.formats().iterator();
        }
    }
}
