package ai.mlpzoo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code mlpzoo} command: import checkpoints, run models, train and evaluate them. */
@Command(
        name = "mlpzoo",
        mixinStandardHelpOptions = true,
        version = "mlpzoo 0.1.0",
        description = "MLP-family models (Mixer, ResMLP, gMLP, KAN, SAE) on the Deep Java Library.",
        subcommands = {ImportCommand.class, PredictCommand.class, TrainSaeCommand.class})
public final class MlpZooCli {

    private MlpZooCli() {}

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting, for tests.
     *
     * @param args the arguments
     * @return the exit code: 0 success, 1 failure, 2 usage error
     */
    public static int run(String... args) {
        CommandLine cmd = new CommandLine(new MlpZooCli());
        cmd.setExecutionExceptionHandler(
                (ex, line, parsed) -> {
                    PrintWriter err = line.getErr();
                    err.println("mlpzoo: error: " + Errors.describe(ex));
                    err.flush();
                    return 1;
                });
        return cmd.execute(args);
    }
}
