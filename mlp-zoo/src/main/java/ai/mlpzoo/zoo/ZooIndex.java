package ai.mlpzoo.zoo;

import ai.mlpzoo.config.Configs;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The zoo's index, {@code index.json} in the models root: {@code {"models": [entry, ...]}}, one
 * {@link ZooEntry} per packaged model. Adding a model (a KAN, an SAE) is one entry here plus its
 * model directory next to it.
 */
public final class ZooIndex {

    /** The index file in the models root. */
    public static final String FILE = "index.json";

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final List<ZooEntry> entries;

    private ZooIndex(List<ZooEntry> entries) {
        this.entries = Collections.unmodifiableList(entries);
    }

    /** The file's shape, for Jackson. */
    record Json(List<ZooEntry> models) {}

    /**
     * Reads an index: one {@code {"models": [...]}} document, or several one after another, which
     * are joined as {@link #merge} joins the files of several jars. (A shaded jar, such as the
     * spark-submit assembly, has one {@code index.json} where the class path had one per jar: the
     * shade plugin appends mlpzoo-nlp's to mlp-zoo's.)
     *
     * @param is the JSON
     * @param source where it came from, for messages
     * @return the index
     * @throws IOException when it is malformed: duplicate models, or one artifact under two
     *     applications
     */
    public static ZooIndex read(InputStream is, String source) throws IOException {
        List<ZooEntry> models = new ArrayList<>();
        int documents = 0;
        try (MappingIterator<Json> it = MAPPER.readerFor(Json.class).readValues(is)) {
            while (it.hasNextValue()) {
                Json json = it.nextValue();
                documents++;
                if (json == null || json.models() == null) {
                    throw new IOException(
                            source
                                    + ": not a valid zoo index: 'models' is missing"
                                    + (documents > 1 ? " in its document " + documents : ""));
                }
                models.addAll(json.models());
            }
        } catch (IOException | RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source + ": not a valid")) {
                throw e;
            }
            throw new IOException(source + ": not a valid zoo index: " + e.getMessage(), e);
        }
        if (documents == 0) {
            throw new IOException(source + ": not a valid zoo index: the file is empty");
        }
        return checked(models, source);
    }

    /**
     * Joins the indexes of several jars (the mlp-zoo's own and those of modules that add models to
     * the zoo, such as mlpzoo-nlp's {@code minilm}), in order.
     *
     * @param parts the indexes
     * @param source where they came from, for messages
     * @return one index
     * @throws IOException when a model is listed twice, or one artifact has two applications
     */
    public static ZooIndex merge(List<ZooIndex> parts, String source) throws IOException {
        List<ZooEntry> all = new ArrayList<>();
        for (ZooIndex p : parts) {
            all.addAll(p.entries());
        }
        return checked(all, source);
    }

    private static ZooIndex checked(List<ZooEntry> models, String source) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, String> apps = new LinkedHashMap<>();
        List<String> variants = Configs.variantNames();
        for (ZooEntry e : models) {
            if (!ids.add(e.id())) {
                throw new IOException(source + ": model " + e.id() + " is listed twice");
            }
            if (e.architecture() != null && !variants.contains(e.architecture())) {
                throw new IOException(
                        source
                                + ": model "
                                + e.id()
                                + " names architecture '"
                                + e.architecture()
                                + "', which is not a variant of model-configs; known: "
                                + String.join(", ", variants));
            }
            String app = apps.putIfAbsent(e.artifactId(), e.application());
            if (app != null && !app.equals(e.application())) {
                throw new IOException(
                        source
                                + ": artifact "
                                + e.artifactId()
                                + " has two applications, "
                                + app
                                + " and "
                                + e.application());
            }
        }
        return new ZooIndex(models);
    }

    /**
     * @return every entry, in index order
     */
    public List<ZooEntry> entries() {
        return entries;
    }

    /**
     * @return the artifact ids, in index order
     */
    public List<String> artifactIds() {
        return entries.stream().map(ZooEntry::artifactId).distinct().collect(Collectors.toList());
    }

    /**
     * @param artifactId an artifact id
     * @return its entries (variants), in index order
     */
    public List<ZooEntry> variants(String artifactId) {
        return entries.stream()
                .filter(e -> e.artifactId().equals(artifactId))
                .collect(Collectors.toList());
    }

    /**
     * The entries matching a lookup the way DJL's Criteria matches: same artifact id (any when
     * null) and every filter equal to a property.
     *
     * @param artifactId the artifact id, or null
     * @param filters the filters, or null
     * @return the matches, in index order
     */
    public List<ZooEntry> match(String artifactId, Map<String, String> filters) {
        List<ZooEntry> out = new ArrayList<>();
        for (ZooEntry e : entries) {
            if (artifactId != null && !artifactId.equals(e.artifactId())) {
                continue;
            }
            Map<String, String> props = e.filters();
            boolean ok = true;
            if (filters != null) {
                for (Map.Entry<String, String> f : filters.entrySet()) {
                    ok &= f.getValue().equals(props.get(f.getKey()));
                }
            }
            if (ok) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Explains a lookup that matched nothing, listing what exists.
     *
     * @param artifactId the artifact id asked for, or null
     * @param filters the filters asked for, or null
     * @return one message
     */
    public String explainNoMatch(String artifactId, Map<String, String> filters) {
        StringBuilder sb =
                new StringBuilder(
                        "no model in the mlp-zoo (group " + MlpModelZoo.GROUP_ID + ") matches");
        if (artifactId != null) {
            sb.append(" artifact '").append(artifactId).append('\'');
            if (!artifactIds().contains(artifactId)) {
                sb.append(" (unknown artifact)");
            }
        }
        if (filters != null && !filters.isEmpty()) {
            sb.append(artifactId != null ? " with" : "").append(" filters ").append(filters);
        }
        sb.append("; the zoo has: ").append(describe());
        return sb.toString();
    }

    /**
     * @return every artifact with its variants and filter keys, on one line
     */
    public String describe() {
        StringJoiner all = new StringJoiner("; ");
        for (String a : artifactIds()) {
            StringJoiner vs = new StringJoiner(", ");
            Set<String> keys = new LinkedHashSet<>();
            for (ZooEntry e : variants(a)) {
                vs.add(e.variant() + (e.pretrained() ? " (pretrained)" : ""));
                keys.addAll(e.filters().keySet());
            }
            all.add(a + " [variant: " + vs + "; filters: " + String.join(", ", keys) + "]");
        }
        return all.toString();
    }
}
