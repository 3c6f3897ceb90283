package ai.mlpzoo.bench;

import java.util.List;

/**
 * A family's benchmark cases, registered with one line in {@link Cases#GROUPS} so that the families
 * of issue 20 (time series, NLP, SAEs, vision) add cases without touching each other's code. The
 * names of a group join {@link Cases#names} after the built-in cases, in the order of the list.
 */
public interface CaseGroup {

    /**
     * @return this group's case names, in the order {@code mlpzoo bench} runs them
     */
    List<String> names();

    /**
     * Creates one of this group's cases.
     *
     * @param name a case name
     * @param o the command line's options
     * @return the case (not set up), or null when the name is not one of this group's
     */
    BenchCase create(String name, Cases.Options o);
}
