package ai.mlpzoo.data.timeseries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/** Finds the ETT files for tests that need them, and skips those tests, saying so, without them. */
public final class EttData {

    private EttData() {}

    /**
     * The folder holding ETTh1.csv and ETTh2.csv: the system property mlpzoo.ett.dir, else the
     * first shared/data/ett among the working directory's ancestors (the project's worktrees sit
     * beside or below /work/shared).
     *
     * @return the folder; the calling test is skipped when there is none
     */
    public static Path dir() {
        String prop = System.getProperty(Ett.DIR_PROPERTY);
        if (prop != null && !prop.isBlank() && Files.isRegularFile(Paths.get(prop, "ETTh1.csv"))) {
            return Paths.get(prop);
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("shared").resolve("data").resolve("ett");
            if (Files.isRegularFile(d.resolve("ETTh1.csv"))) {
                return d;
            }
        }
        Assumptions.abort(
                "ETT data absent (ETTh1.csv, ETTh2.csv): set -Dmlpzoo.ett.dir=<folder>; download"
                        + " from github.com/zhouhaoyi/ETDataset, ETT-small/");
        return null;
    }
}
