package ai.mlpzoo.config;

import java.util.function.Supplier;

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

    /**
     * Runs a block builder for a config: the builder holds the rules and names the field, and its
     * refusal becomes a ConfigException with the same message. This is how configs delegate their
     * checks instead of repeating them.
     *
     * @param build builds the block
     * @param <T> the block type
     * @return the block
     * @throws ConfigException when the builder refuses a value
     */
    public static <T> T fromBuilder(Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }
}
