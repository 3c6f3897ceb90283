package ai.mlpzoo.zoo;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The engine an inference on a model directory runs on when the user names none ({@value #AUTO}):
 * ONNX Runtime when the directory holds a {@code model.onnx} ({@code mlpzoo export-onnx} writes it
 * beside the DJL files) and that engine is on the classpath, else PyTorch. Why: one input at a time
 * is many small native operations, each a JNI call on PyTorch, where ONNX Runtime runs one native
 * graph. In {@code mlpzoo bench} (the {@code <case>_infer1_onnxruntime} cases, BENCHMARKS.md) six
 * families' exported blocks ran one image or window 1.4 to 20 times faster on ONNX Runtime than on
 * PyTorch. The exception is a large model on a batch (timm's Mixer-B/16 at 224 x 224, batch 8:
 * PyTorch's MKL was faster), where naming {@code PyTorch} is the user's call.
 */
public final class EngineChoice {

    /** The value of an engine option that lets this class choose. */
    public static final String AUTO = "auto";

    /** ONNX Runtime's DJL engine name. */
    public static final String ONNX = "OnnxRuntime";

    /** PyTorch's DJL engine name. */
    public static final String PYTORCH = "PyTorch";

    /** The ONNX file ONNX Runtime loads from a model directory. */
    public static final String ONNX_FILE = "model.onnx";

    /**
     * An engine and why it was chosen, to be said to the user.
     *
     * @param engine the DJL engine name
     * @param reason why, one phrase
     */
    public record Choice(String engine, String reason) {

        /**
         * @return {@code engine: <name> (<reason>)}
         */
        public String line() {
            return "engine: " + engine + " (" + reason + ")";
        }

        /**
         * @return whether this class chose the engine (to be said), not the user
         */
        public boolean automatic() {
            return !ASKED.equals(reason);
        }
    }

    private static final String ASKED = "asked for";

    private EngineChoice() {}

    /**
     * @param engine the engine the user named
     * @return that engine, said as asked for
     */
    public static Choice asked(String engine) {
        return new Choice(engine, ASKED);
    }

    /**
     * The rule itself, for any model (a directory, a zoo artifact): ONNX Runtime when the model has
     * a {@code model.onnx} and that engine is on the classpath, else PyTorch.
     *
     * @param hasOnnx whether the model ships a {@code model.onnx}
     * @return the engine name
     */
    public static String automatic(boolean hasOnnx) {
        return hasOnnx && Engine.hasEngine(ONNX) ? ONNX : PYTORCH;
    }

    /**
     * Chooses the engine for a model directory.
     *
     * @param dir the model directory
     * @param asked the engine the user named, or {@value #AUTO} (any case) or null to choose
     * @return the engine: the one asked for as given, else chosen as the class says
     */
    public static Choice forDirectory(Path dir, String asked) {
        if (asked != null && !AUTO.equals(asked.toLowerCase(Locale.ROOT))) {
            return asked(asked);
        }
        Choice c = automatic(Files.isRegularFile(dir.resolve(ONNX_FILE)), dir.toString());
        return c.engine().equals(ONNX)
                ? new Choice(ONNX, c.reason() + "; --engine " + PYTORCH + " runs the Java blocks")
                : c;
    }

    /**
     * The rule with its reason, for any model.
     *
     * @param hasOnnx whether the model ships a {@code model.onnx}
     * @param where where the model's files are, for the reason (a directory, a zoo artifact)
     * @return the engine and why
     */
    public static Choice automatic(boolean hasOnnx, String where) {
        if (automatic(hasOnnx).equals(ONNX)) {
            return new Choice(ONNX, ONNX_FILE + " found, faster than PyTorch on small batches");
        }
        return new Choice(
                PYTORCH,
                hasOnnx
                        ? "the " + ONNX + " engine is not on the classpath"
                        : "no " + ONNX_FILE + " in " + where + "; mlpzoo export-onnx writes one");
    }
}
