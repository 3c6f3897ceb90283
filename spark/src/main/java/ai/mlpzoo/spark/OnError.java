package ai.mlpzoo.spark;

import java.util.Locale;

/**
 * What a bad row does: an image that does not decode, a vector of the wrong width, a null or a NaN
 * in the input. Either way it never yields a silent answer.
 */
public enum OnError {
    /** Fail the job at the first bad row, with a message naming its file or row (the default). */
    FAIL,
    /**
     * Keep going: the bad row's outputs are null and column {@code error} says what is wrong with
     * it (null on good rows).
     */
    COLUMN;

    /**
     * @param s {@code fail} or {@code column}
     * @return the policy
     */
    public static OnError parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "onError must be 'fail' or 'column', got '" + s + "'", e);
        }
    }
}
