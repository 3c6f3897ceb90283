package ai.mlpzoo.translate;

/** Checks on feature vectors handed to the vector translators. */
final class Vectors {

    private Vectors() {}

    /**
     * @param input the vector
     * @param expected the length the model takes, or -1 when unknown
     * @throws IllegalArgumentException naming what is wrong
     */
    static void check(float[] input, int expected) {
        if (input == null || input.length == 0) {
            throw new IllegalArgumentException("the input vector is empty");
        }
        if (expected > 0 && input.length != expected) {
            throw new IllegalArgumentException(
                    "the model takes vectors of " + expected + " features, got " + input.length);
        }
        for (int i = 0; i < input.length; i++) {
            if (!Float.isFinite(input[i])) {
                throw new IllegalArgumentException(
                        "input feature " + i + " is " + input[i] + " (NaN or infinite)");
            }
        }
    }
}
