package ai.mlpzoo.zoo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One model of the zoo, as its line in {@code ai/mlpzoo/zoo/models/index.json}: the packaged model
 * directory {@code ai/mlpzoo/zoo/models/<artifactId>/<variant>/}.
 *
 * @param artifactId the DJL artifact id (the family: mixer, resmlp, gmlp, ...)
 * @param variant the variant, also the filter {@code variant}
 * @param architecture the model-configs variant ({@code Configs.variant}) that the directory's
 *     architecture.json is generated from, or null when the directory's own file is the only
 *     definition (a model outside the named variants)
 * @param application DJL application path, e.g. {@code cv/image_classification}
 * @param properties further Criteria filters (the {@code variant} filter is implied)
 * @param description one line for listings
 * @param pretrained whether the packaged weights are trained (false: random initialisation)
 * @param parameters the number of parameters
 * @param files extra files of the model directory besides the standard ones
 */
public record ZooEntry(
        String artifactId,
        String variant,
        String architecture,
        String application,
        Map<String, String> properties,
        String description,
        boolean pretrained,
        long parameters,
        List<String> files) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

    /**
     * Files of an mlp-zoo model directory, copied when present (serving.properties is required).
     */
    public static final List<String> STANDARD_FILES =
            List.of(
                    "serving.properties",
                    ModelDirs.ARCHITECTURE,
                    ModelDirs.METADATA,
                    ModelDirs.PARAMS,
                    ModelDirs.CHECKSUM);

    /**
     * Checks the names and fills in defaults.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    public ZooEntry {
        if (artifactId == null || !NAME.matcher(artifactId).matches()) {
            throw new IllegalArgumentException(
                    "index entry: bad or missing artifactId '" + artifactId + "'");
        }
        if (variant == null || !NAME.matcher(variant).matches()) {
            throw new IllegalArgumentException(
                    "index entry " + artifactId + ": bad or missing variant '" + variant + "'");
        }
        if (architecture != null && !NAME.matcher(architecture).matches()) {
            throw new IllegalArgumentException(
                    "index entry "
                            + artifactId
                            + "/"
                            + variant
                            + ": bad architecture '"
                            + architecture
                            + "'");
        }
        if (application == null || application.isBlank()) {
            application = "undefined";
        }
        properties =
                properties == null
                        ? Map.of()
                        : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        if (properties.containsKey("variant") && !variant.equals(properties.get("variant"))) {
            throw new IllegalArgumentException(
                    "index entry "
                            + artifactId
                            + "/"
                            + variant
                            + ": property variant differs from the variant");
        }
        description = description == null ? "" : description;
        files = files == null ? List.of() : List.copyOf(files);
        for (String f : files) {
            if (f.contains("/") || f.contains("\\") || f.startsWith(".")) {
                throw new IllegalArgumentException(
                        "index entry "
                                + artifactId
                                + "/"
                                + variant
                                + ": file '"
                                + f
                                + "' must be a plain name");
            }
        }
    }

    /**
     * @return the Criteria filters this entry answers to: its properties and {@code variant}
     */
    public Map<String, String> filters() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("variant", variant);
        all.putAll(properties);
        return Collections.unmodifiableMap(all);
    }

    /**
     * @return every file name to look for in the packaged directory
     */
    public List<String> allFiles() {
        List<String> all = new java.util.ArrayList<>(STANDARD_FILES);
        for (String f : files) {
            if (!all.contains(f)) {
                all.add(f);
            }
        }
        return all;
    }

    /**
     * @return {@code artifactId/variant}
     */
    public String id() {
        return artifactId + "/" + variant;
    }
}
