package ai.mlpzoo.cli;

import java.nio.file.NoSuchFileException;

/** One-line descriptions of failures, for the command line. */
final class Errors {

    private Errors() {}

    /**
     * Describes a failure by its innermost meaningful message.
     *
     * @param t the failure
     * @return one line
     */
    static String describe(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null
                && cause.getCause() != cause
                && (cause.getMessage() == null
                        || cause instanceof ai.djl.translate.TranslateException
                        || cause.getMessage().contains(cause.getCause().getClass().getName()))) {
            cause = cause.getCause();
        }
        String msg = cause.getMessage();
        if (cause instanceof NoSuchFileException) {
            NoSuchFileException n = (NoSuchFileException) cause;
            msg = (n.getReason() == null ? "file not found" : n.getReason()) + ": " + n.getFile();
        }
        if (msg == null || msg.isBlank()) {
            msg = cause.getClass().getSimpleName();
        }
        return msg.replace('\n', ' ');
    }
}
