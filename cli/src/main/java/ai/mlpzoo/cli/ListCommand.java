package ai.mlpzoo.cli;

import ai.mlpzoo.zoo.MlpModelZoo;
import ai.mlpzoo.zoo.MlpZoo;
import ai.mlpzoo.zoo.ZooEntry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code mlpzoo list}: every model of the zoo, as Criteria finds it. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List the models of the zoo (group, artifact, variant, weights, size).")
final class ListCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        print(MlpZoo.entries());
        System.out.println();
        System.out.println(
                "Load one with Criteria.builder().optGroupId(\""
                        + MlpModelZoo.GROUP_ID
                        + "\").optArtifactId(ARTIFACT).optFilter(\"variant\", VARIANT)");
        return 0;
    }

    static void print(List<ZooEntry> entries) {
        Table t = new Table("GROUP", "ARTIFACT", "VARIANT", "PRETRAINED", ">PARAMS", "DESCRIPTION");
        for (ZooEntry e : entries) {
            t.row(
                    MlpModelZoo.GROUP_ID,
                    e.artifactId(),
                    e.variant(),
                    e.pretrained() ? "yes" : "no",
                    params(e.parameters()),
                    e.description());
        }
        t.print(System.out);
    }

    /**
     * @return a parameter count as 1.11M, 59.9M, 208M
     */
    static String params(long n) {
        if (n <= 0) {
            return "?";
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.0fK", n / 1e3);
        }
        double m = n / 1e6;
        return String.format(Locale.ROOT, m < 10 ? "%.2fM" : m < 100 ? "%.1fM" : "%.0fM", m);
    }
}
