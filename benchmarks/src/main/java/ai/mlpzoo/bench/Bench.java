package ai.mlpzoo.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs benchmark cases in sequence and prints one line per case on {@code out}; the machine and
 * engine description goes to {@code log}. The entry point of {@code mlpzoo bench}; {@link #main}
 * runs it without the CLI.
 */
public final class Bench {

    private Bench() {}

    /**
     * Runs cases.
     *
     * @param names the cases (see {@link Cases}); empty for all
     * @param warmup warm-up steps per case, or -1 for each case's default
     * @param steps timed steps per case, or -1 for each case's default
     * @param options the case options
     * @param out where the result lines go
     * @param log where the header goes
     * @return the results, in order
     * @throws Exception when a case fails
     */
    public static List<BenchResult> run(
            List<String> names,
            int warmup,
            int steps,
            Cases.Options options,
            PrintStream out,
            PrintStream log)
            throws Exception {
        List<String> resolved = Cases.resolve(names, options);
        if (options.threads() > 0 && "PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setNumThreads(options.threads());
        }
        log.println(header());
        List<BenchResult> results = new ArrayList<>();
        for (String name : resolved) {
            BenchResult r = Harness.run(Cases.create(name, options), warmup, steps);
            out.println(r.line());
            out.flush();
            results.add(r);
        }
        return results;
    }

    /**
     * @return the machine, JVM and engine, on one line
     */
    public static String header() {
        Engine e = Engine.getInstance();
        String threads = "";
        if ("PyTorch".equals(e.getEngineName())) {
            threads =
                    String.format(
                            Locale.ROOT,
                            ", torch threads intra-op %d inter-op %d",
                            JniUtils.getNumThreads(),
                            JniUtils.getNumInteropThreads());
        }
        return String.format(
                Locale.ROOT,
                "# %s, %d cores, Java %s, engine %s %s%s",
                cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                e.getEngineName(),
                e.getVersion(),
                threads);
    }

    /**
     * @return the CPU model from /proc/cpuinfo, or os.arch
     */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    /**
     * Runs the benchmark without the CLI: arguments are case names.
     *
     * @param args case names, or none for all
     * @throws Exception when a case fails
     */
    public static void main(String[] args) throws Exception {
        run(List.of(args), -1, -1, Cases.Options.defaults(), System.out, System.err);
    }
}
