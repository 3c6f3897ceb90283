package ai.mlpzoo.config;

/** A model configuration that cannot describe a model; the message names the offending field. */
public class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the field
     */
    public ConfigException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the field
     * @param cause the parse error
     */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
