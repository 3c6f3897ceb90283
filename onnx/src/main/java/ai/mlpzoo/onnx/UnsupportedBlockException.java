package ai.mlpzoo.onnx;

/**
 * Thrown when the exporter meets a block it has no emitter for, or a configuration of a known block
 * whose math it cannot reproduce: never a silently different graph.
 */
public class UnsupportedBlockException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String blockClass;
    private final String path;

    /**
     * Creates the exception.
     *
     * @param blockClass the block's class name
     * @param path the block's path in the model ("" for the root)
     * @param reason what is missing
     */
    public UnsupportedBlockException(String blockClass, String path, String reason) {
        super(
                "cannot export "
                        + blockClass
                        + " at "
                        + (path.isEmpty() ? "the model root" : "'" + path + "'")
                        + " to ONNX: "
                        + reason);
        this.blockClass = blockClass;
        this.path = path;
    }

    /**
     * @return the fully qualified class name of the block
     */
    public String getBlockClass() {
        return blockClass;
    }

    /**
     * @return the block's dotted path in the model
     */
    public String getPath() {
        return path;
    }
}
