package ai.mlpzoo.cli;

import ai.mlpzoo.bench.Bench;
import ai.mlpzoo.bench.Cases;
import ai.mlpzoo.bench.Comparison;
import ai.mlpzoo.bench.Reference;
import ai.mlpzoo.io.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlpzoo bench [CASE ...]}: speed and memory benchmarks, one line per case, {@code "<case>
 * ms_per_step=<median> steps=<n>"} plus {@code gflops=<x>} where the case's FLOPs are known and
 * case-specific fields (p50/p99, images/s, RSS).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark every family: median ms per step after a warm-up, GFLOP/s where the FLOPs are known.",
            "Cases: gemm, mixer_train, mixer_infer1, mixer_b16_infer, kan_train, sae_topk_train,"
                    + " predict1_pytorch, predict1_onnxruntime, predict_rss,"
                    + " train_mixer_fmnist, train_resmlp_fmnist, train_gmlp_fmnist and the newer"
                    + " families' cases (docs/benchmarks.md; default: all); <inference case>_onnxruntime"
                    + " (e.g. poolformer_infer1_onnxruntime) runs that case's block exported to ONNX on"
                    + " ONNX Runtime.",
            "--reference runs each case's PyTorch reference (benchmarks/python/bench.py) after it"
                    + " and prints the speed-ups."
        })
final class BenchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CASE", arity = "0..*", description = "cases to run (default: all)")
    List<String> cases = new ArrayList<>();

    @Option(
            names = "--steps",
            defaultValue = "-1",
            paramLabel = "N",
            description = "timed steps per case (default: each case's own)")
    int steps;

    @Option(
            names = "--warmup",
            defaultValue = "-1",
            paramLabel = "N",
            description = "warm-up steps per case (default: each case's own)")
    int warmup;

    @Option(
            names = "--engine",
            split = ",",
            paramLabel = "ENGINE",
            description =
                    "engines of the single-image latency case: PyTorch, OnnxRuntime (default: both;"
                            + " OnnxRuntime is skipped with a message when its engine or a model.onnx is missing)")
    List<String> engines;

    @Option(
            names = "--onnx-model",
            paramLabel = "DIR",
            description =
                    "model directory holding model.onnx for the OnnxRuntime latency case (default: the zoo's mixer/fmnist)")
    Path onnxModel;

    @Option(
            names = "--predictions",
            defaultValue = "100000",
            paramLabel = "N",
            description = "predictions of predict_rss (default: ${DEFAULT-VALUE})")
    int predictions;

    @Option(
            names = "--threads",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "PyTorch intra-op threads (default: the engine's, one per core; 1 gives steadier"
                            + " figures on a loaded machine)")
    int threads;

    @Option(
            names = "--reference",
            arity = "0..1",
            fallbackValue = Reference.DEFAULT_PYTHON,
            paramLabel = "PYTHON",
            description =
                    "after each case, run its PyTorch reference (benchmarks/python/bench.py) with this"
                            + " Python (default when given without a value: ${FALLBACK-VALUE}), then print"
                            + " the table case | ours | reference | speed-up (reference/ours)")
    String reference;

    @Option(
            names = "--reference-script",
            paramLabel = "FILE",
            description =
                    "the reference script (default: benchmarks/python/bench.py above the working"
                            + " directory or above the mlpzoo jar)")
    Path referenceScript;

    @Option(
            names = "--markdown",
            paramLabel = "FILE",
            description = "with --reference: also write the comparison table to this file")
    Path markdown;

    @Option(
            names = "--precision",
            paramLabel = "fp32|bf16|int8",
            description =
                    Precision.HELP
                            + ". int8 runs mixer_b16_infer as mixer_b16_infer_int8 (exported, quantised,"
                            + " on ONNX Runtime; mixer_b16_infer_onnxruntime is its float32 twin) and"
                            + " predict1_* as predict1_int8 (model.int8.onnx of --onnx-model);"
                            + " without cases it runs those two")
    String precision;

    @Override
    public Integer call() throws Exception {
        if (Precision.parse(precision) == Precision.INT8) {
            cases = int8Cases(cases);
        }
        if (steps == 0 || steps < -1 || warmup < -1 || predictions <= 0 || threads < 0) {
            throw new IllegalArgumentException(
                    "--steps and --predictions must be positive, --warmup and --threads >= 0");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads > 4 * cores) {
            // more threads than that only time the scheduler, and thousands take minutes to start
            throw new IllegalArgumentException(
                    "--threads "
                            + threads
                            + " is more than 4 x the "
                            + cores
                            + " cores of this machine; use at most "
                            + 4 * cores);
        }
        if (reference == null && (markdown != null || referenceScript != null)) {
            throw new IllegalArgumentException(
                    "--markdown and --reference-script go with --reference; add --reference");
        }
        if (referenceScript != null && !Files.isRegularFile(referenceScript)) {
            throw new IllegalArgumentException(
                    "--reference-script " + referenceScript + ": no such file");
        }
        List<String> eng =
                engines == null || engines.isEmpty() ? Cases.ENGINES : canonical(engines);
        Cases.Options options = new Cases.Options(eng, onnxModel, predictions, threads);
        if (reference == null) {
            Bench.run(cases, warmup, steps, options, System.out, System.err);
            return 0;
        }
        Path script = referenceScript != null ? referenceScript : Reference.findScript();
        Comparison c =
                Bench.runWithReference(
                        cases,
                        warmup,
                        steps,
                        options,
                        new Reference(reference, script),
                        System.out,
                        System.err);
        if (markdown != null) {
            Path parent = markdown.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.writeString(markdown, c.markdown());
            System.err.println("table written to " + markdown);
        }
        return 0;
    }

    /** The int8 twins of the asked-for cases; a case without one is refused by name. */
    static List<String> int8Cases(List<String> asked) {
        if (asked == null || asked.isEmpty()) {
            return new ArrayList<>(List.of("mixer_b16_infer_int8", "predict1_int8"));
        }
        List<String> out = new ArrayList<>();
        for (String a : asked) {
            if (a.equals("mixer_b16_infer")) {
                out.add("mixer_b16_infer_int8");
            } else if (a.startsWith("predict1_")) {
                out.add("predict1_int8");
            } else if (Cases.PRECISION_CASES.contains(a)) {
                out.add(a);
            } else {
                throw new IllegalArgumentException(
                        "--precision int8 applies to mixer_b16_infer and predict1_*; "
                                + a
                                + " runs in fp32 only");
            }
        }
        return out;
    }

    private static List<String> canonical(List<String> asked) {
        List<String> out = new ArrayList<>();
        for (String a : asked) {
            String match =
                    Cases.ENGINES.stream()
                            .filter(e -> e.equalsIgnoreCase(a))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "unknown engine '"
                                                            + a
                                                            + "'; known: "
                                                            + String.join(", ", Cases.ENGINES)));
            out.add(match);
        }
        return out;
    }
}
