package ai.mlpzoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the Python references' fixtures, committed in the repository's {@code fixtures/reference}
 * (system property {@code mlpzoo.fixtures}, set by the build; {@code tools/fixtures} regenerates
 * them).
 */
public final class Fixtures {

    private Fixtures() {}

    /**
     * @return the reference folder
     */
    public static Path reference() {
        String root = System.getProperty("mlpzoo.fixtures", "../fixtures");
        Path dir = Paths.get(root, "reference").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("reference fixtures not found at " + dir);
        }
        return dir;
    }

    /**
     * Finds a named array.
     *
     * @param list the arrays
     * @param name the name
     * @return the array
     */
    public static NDArray get(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no array named " + name + " in " + list);
    }

    /**
     * The largest absolute difference.
     *
     * @param a one array
     * @param b another of the same shape
     * @return max |a - b|
     */
    public static float maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new AssertionError("shape " + a.getShape() + " != " + b.getShape());
        }
        return a.sub(b).abs().max().getFloat();
    }
}
