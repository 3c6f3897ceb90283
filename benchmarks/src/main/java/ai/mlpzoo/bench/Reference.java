package ai.mlpzoo.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The PyTorch reference of the cases (issue 20): the repository's {@code
 * benchmarks/python/bench.py} run by a Python interpreter, one process per case, after our case and
 * never at the same time. The script prints the harness's own line format, so its median is read
 * back with {@link #parse}.
 */
public final class Reference {

    /** The script's path inside the repository. */
    public static final String SCRIPT = "benchmarks/python/bench.py";

    /** The interpreter used when none is named: Debian's, which has python3-torch. */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";

    private final String python;
    private final Path script;
    private Set<String> cases;
    private String unavailable;
    private String header;

    /**
     * @param python the interpreter (a path or a command name)
     * @param script the bench.py script
     */
    public Reference(String python, Path script) {
        this.python = python;
        this.script = script;
    }

    /**
     * Finds {@value #SCRIPT} above the working directory or above the jar of this class (the
     * repository's {@code cli/target/mlpzoo-cli.jar} lies two levels below the root).
     *
     * @return the script
     * @throws IllegalArgumentException when it is in neither place, saying how to name it
     */
    public static Path findScript() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of(System.getProperty("user.dir")).toAbsolutePath());
        try {
            starts.add(
                    Path.of(
                                    Reference.class
                                            .getProtectionDomain()
                                            .getCodeSource()
                                            .getLocation()
                                            .toURI())
                            .toAbsolutePath());
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (unusual class loader): the working directory only
        }
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path s = p.resolve(SCRIPT);
                if (Files.isRegularFile(s)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException(
                "the reference script "
                        + SCRIPT
                        + " is not above the working directory nor above the mlpzoo jar; run from"
                        + " the repository or name it with --reference-script");
    }

    /**
     * The cases the script has ({@code --list}); run once.
     *
     * @return the names, empty when the script cannot run (see {@link #unavailable})
     */
    public Set<String> cases() {
        if (cases == null) {
            cases = new LinkedHashSet<>();
            Run r = exec(List.of("--list"));
            if (r.error != null) {
                unavailable = r.error;
            } else {
                for (String line : r.stdout.split("\n")) {
                    if (!line.isBlank()) {
                        cases.add(line.trim());
                    }
                }
            }
        }
        return cases;
    }

    /**
     * @return why the script cannot run here (no interpreter, no torch), or null
     */
    public String unavailable() {
        cases();
        return unavailable;
    }

    /**
     * @return the script's {@code #} header line (CPU, torch, threads) of its last run, or null
     */
    public String header() {
        return header;
    }

    /**
     * Runs one case in the script.
     *
     * @param name the case
     * @param warmup warm-up steps, or -1 for the case's default
     * @param steps timed steps, or -1 for the case's default
     * @param threads torch intra-op threads, at least 1
     * @return the script's line, parsed; skipped with the reason when the script has no such case
     *     or fails
     */
    public BenchResult run(String name, int warmup, int steps, int threads) {
        if (!cases().contains(name)) {
            return BenchResult.skipped(
                    name, unavailable != null ? unavailable : "no Python reference of this case");
        }
        List<String> args = new ArrayList<>();
        args.add("--threads");
        args.add(Integer.toString(threads));
        if (steps > 0) {
            args.add("--steps");
            args.add(Integer.toString(steps));
        }
        if (warmup >= 0) {
            args.add("--warmup");
            args.add(Integer.toString(warmup));
        }
        args.add(name);
        Run r = exec(args);
        if (r.error != null) {
            return BenchResult.skipped(name, r.error);
        }
        for (String line : r.stdout.split("\n")) {
            if (line.startsWith(name + " ")) {
                return parse(line);
            }
        }
        return BenchResult.skipped(name, "the reference script printed no line for " + name);
    }

    private record Run(String stdout, String error) {}

    private Run exec(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(python);
        cmd.add(script.toString());
        cmd.addAll(args);
        Path err = null;
        try {
            err = Files.createTempFile("mlpzoo-reference", ".err");
            Process p =
                    new ProcessBuilder(cmd)
                            .redirectInput(ProcessBuilder.Redirect.PIPE)
                            .redirectError(err.toFile())
                            .start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int code = p.waitFor();
            List<String> errLines = Files.readAllLines(err, StandardCharsets.UTF_8);
            for (String l : errLines) {
                if (l.startsWith("#")) {
                    header = l;
                }
            }
            if (code != 0) {
                String last = errLines.isEmpty() ? "" : errLines.get(errLines.size() - 1).trim();
                return new Run(
                        out,
                        String.format(
                                Locale.ROOT,
                                "%s %s exited with %d: %s",
                                python,
                                script.getFileName(),
                                code,
                                last));
            }
            return new Run(out, null);
        } catch (IOException e) {
            return new Run("", "cannot run " + python + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run("", "interrupted");
        } finally {
            if (err != null) {
                try {
                    Files.deleteIfExists(err);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    /**
     * Reads a result line of the harness's format back: {@code "<case> ms_per_step=<median>
     * steps=<n> [key=value ...]"} or {@code "<case> skipped: <reason>"}. The step times are not in
     * the line: the result holds the median once, {@code steps} times over, so that its median and
     * step count are the line's.
     *
     * @param line the line
     * @return the result
     * @throws IllegalArgumentException when the line is neither form
     */
    public static BenchResult parse(String line) {
        String s = line.trim();
        int sp = s.indexOf(' ');
        if (sp <= 0) {
            throw new IllegalArgumentException("not a benchmark result line: '" + line + "'");
        }
        String name = s.substring(0, sp);
        String rest = s.substring(sp + 1);
        if (rest.startsWith("skipped:")) {
            return BenchResult.skipped(name, rest.substring("skipped:".length()).trim());
        }
        double ms = Double.NaN;
        int steps = -1;
        Map<String, String> extras = new LinkedHashMap<>();
        for (String field : rest.split(" +")) {
            int eq = field.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String k = field.substring(0, eq);
            String v = field.substring(eq + 1);
            try {
                if (k.equals("ms_per_step")) {
                    ms = Double.parseDouble(v);
                } else if (k.equals("steps")) {
                    steps = Integer.parseInt(v);
                } else {
                    extras.put(k, v);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "bad number in field '" + field + "' of result line '" + line + "'");
            }
        }
        if (Double.isNaN(ms) || steps <= 0) {
            throw new IllegalArgumentException(
                    "result line without ms_per_step or steps: '" + line + "'");
        }
        double[] times = new double[steps];
        Arrays.fill(times, ms);
        return new BenchResult(name, times, Double.NaN, extras, null);
    }
}
