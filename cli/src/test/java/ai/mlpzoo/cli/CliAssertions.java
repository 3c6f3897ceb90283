package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Assertions on how the mlpzoo command fails. */
final class CliAssertions {

    private CliAssertions() {}

    /**
     * Runs the command and asserts exit code 1 with one line on stderr that starts {@code mlpzoo:
     * error: } and contains {@code expected}.
     *
     * @param expected a part of the message
     * @param args the command line
     */
    static void assertCliError(String expected, String... args) {
        StringWriter sw = new StringWriter();
        int code = MlpZooCli.run(new PrintWriter(sw, true), args);
        String err = sw.toString().trim();
        assertEquals(1, code, "exit code, stderr: " + err);
        assertTrue(err.startsWith("mlpzoo: error: ") && err.contains(expected), err);
        assertEquals(1, err.lines().count(), "one line: " + err);
    }
}
