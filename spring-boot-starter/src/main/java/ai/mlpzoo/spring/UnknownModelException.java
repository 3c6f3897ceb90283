package ai.mlpzoo.spring;

import java.util.Collection;

/** No model is configured under the id a client asked for. */
public class UnknownModelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param id the id asked for
     * @param known the ids that exist
     */
    public UnknownModelException(String id, Collection<String> known) {
        super("unknown model '" + abbreviate(id) + "'; models: " + String.join(", ", known));
    }

    private static String abbreviate(String id) {
        String s = id == null ? "" : id.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
