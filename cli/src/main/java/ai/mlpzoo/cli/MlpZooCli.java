package ai.mlpzoo.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mlpzoo} command: import checkpoints, run models, train and evaluate them. */
@Command(
        name = "mlpzoo",
        mixinStandardHelpOptions = true,
        version = "mlpzoo 0.1.0",
        description = "MLP-family models (Mixer, ResMLP, gMLP, KAN, SAE) on the Deep Java Library.",
        subcommands = {
            ListCommand.class,
            ImportCommand.class,
            PredictCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            ForecastCommand.class,
            DemoCommand.class,
            TrainSaeCommand.class,
            CaptureCommand.class,
            DashboardCommand.class,
            ExportOnnxCommand.class,
            ReparamCommand.class,
            BenchCommand.class,
            ServeCommand.class,
            SparkScoreCommand.class,
            SaeStudyCommand.class
        })
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
        return run(new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line with errors written to {@code err}.
     *
     * @param err where error lines go
     * @param args the arguments
     * @return the exit code: 0 success, 1 failure, 2 usage error
     */
    public static int run(PrintWriter err, String... args) {
        CommandLine cmd = new CommandLine(new MlpZooCli());
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(
                (ex, line, parsed) -> {
                    PrintWriter w = line.getErr();
                    w.println("mlpzoo: error: " + Errors.describe(ex));
                    w.flush();
                    return 1;
                });
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler: an Error would end in a stack trace
            err.println(
                    "mlpzoo: error: out of memory ("
                            + e.getMessage()
                            + "): the input or model does not fit"
                            + " the Java heap; use a smaller batch or raise -Xmx in MLPZOO_JAVA_OPTS");
        } catch (StackOverflowError e) {
            err.println("mlpzoo: error: stack overflow: the input nests too deeply");
        } catch (Error e) {
            err.println("mlpzoo: error: " + Errors.describe(e));
        }
        err.flush();
        return 1;
    }
}
