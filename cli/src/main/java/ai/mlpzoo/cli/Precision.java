package ai.mlpzoo.cli;

import ai.mlpzoo.onnx.Int8Quantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The numeric precision of inference, {@code --precision fp32|bf16|int8} (docs/benchmarks.md,
 * "Reduced precision"): float32 on the chosen engine; int8 is the dynamically quantised graph
 * {@code model.int8.onnx} ({@link Int8Quantizer}, written by {@code mlpzoo export-onnx --quantize
 * int8}) on ONNX Runtime. bfloat16 is refused: DJL 0.36's PyTorch JNI has no bfloat16 type (its
 * dtype table stops at float16, and a bfloat16 cast aborts the JVM), so no DJL block can run in it.
 */
enum Precision {
    FP32,
    BF16,
    INT8;

    /** The option's help text. */
    static final String HELP =
            "fp32 (default), int8 (model.int8.onnx on ONNX Runtime: mlpzoo export-onnx --quantize"
                    + " int8) or bf16 (refused: DJL's PyTorch engine has no bfloat16)";

    /**
     * Parses the option's value.
     *
     * @param value the value, case-insensitive, or null for fp32
     * @return the precision
     * @throws IllegalArgumentException naming the known values, or why bf16 cannot run
     */
    static Precision parse(String value) {
        if (value == null) {
            return FP32;
        }
        Precision p;
        try {
            p = valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown --precision '" + value + "'; known: fp32, bf16, int8");
        }
        if (p == BF16) {
            throw new IllegalArgumentException(
                    "--precision bf16 is not available: DJL 0.36's PyTorch engine has no bfloat16"
                            + " tensors (its JNI type table ends at float16; a bfloat16 cast aborts"
                            + " the JVM); use --precision int8 (ONNX Runtime) or fp32");
        }
        return p;
    }

    /**
     * Checks that a model directory can run at int8: it holds {@code model.int8.onnx}.
     *
     * @param dir the model directory, or null when the model is a zoo artifact
     * @param model the model as the user named it
     * @return the directory
     * @throws IllegalArgumentException naming the export command that writes the file
     */
    static Path requireInt8(Path dir, String model) {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "--precision int8 needs a model directory with "
                            + Int8Quantizer.FILE_NAME
                            + ", not the zoo artifact "
                            + model
                            + ": run mlpzoo export-onnx --model "
                            + model
                            + " --out <dir> --quantize int8, then pass <dir>");
        }
        if (!Files.isRegularFile(dir.resolve(Int8Quantizer.FILE_NAME))) {
            throw new IllegalArgumentException(
                    "--precision int8: "
                            + dir
                            + " has no "
                            + Int8Quantizer.FILE_NAME
                            + "; write it with mlpzoo export-onnx --model "
                            + dir
                            + " --out "
                            + dir
                            + " --quantize int8");
        }
        return dir;
    }
}
