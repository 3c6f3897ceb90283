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
     * Runs cases, each followed by its PyTorch reference ({@link Reference}: the repository's
     * Python script, in its own process, once our case is done), and prints our line, the
     * reference's line prefixed with {@code "reference "}, then the {@link Comparison} table.
     *
     * @param names the cases; empty for all
     * @param warmup warm-up steps per case (both sides), or -1 for each case's default
     * @param steps timed steps per case (both sides), or -1 for each case's default
     * @param options the case options; its thread count is the reference's too (0: one per core)
     * @param reference the Python side
     * @param out where the result lines and the table go
     * @param log where the headers go
     * @return the comparison
     * @throws Exception when one of our cases fails
     */
    public static Comparison runWithReference(
            List<String> names,
            int warmup,
            int steps,
            Cases.Options options,
            Reference reference,
            PrintStream out,
            PrintStream log)
            throws Exception {
        List<String> resolved = Cases.resolve(names, options);
        if (options.threads() > 0 && "PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setNumThreads(options.threads());
        }
        log.println(header());
        if (reference.unavailable() != null) {
            log.println("# reference unavailable: " + reference.unavailable());
        }
        int threads =
                options.threads() > 0
                        ? options.threads()
                        : Runtime.getRuntime().availableProcessors();
        boolean headerShown = false;
        List<Comparison.Row> rows = new ArrayList<>();
        for (String name : resolved) {
            BenchResult ours = Harness.run(Cases.create(name, options), warmup, steps);
            out.println(ours.line());
            out.flush();
            BenchResult ref =
                    reference.run(Cases.referenceName(name, options), warmup, steps, threads);
            if (!headerShown && reference.header() != null) {
                log.println("# reference " + reference.header().substring(1).trim());
                headerShown = true;
            }
            out.println("reference " + ref.line());
            out.flush();
            rows.add(new Comparison.Row(name, ours, ref));
        }
        Comparison c = new Comparison(rows);
        out.println();
        out.print(c.markdown());
        out.flush();
        return c;
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
