package ai.mlpzoo.loading;

import java.util.LinkedHashMap;
import java.util.Map;

/** The checkpoint formats {@code mlpzoo import --format} knows. */
public final class Importers {

    private static final Map<String, CheckpointImporter> FORMATS = new LinkedHashMap<>();

    static {
        register(new CheckpointImporter() {
            @Override
            public String format() {
                return "timm";
            }

            @Override
            public ai.mlpzoo.config.ModelConfig importCheckpoint(
                    java.nio.file.Path in, java.nio.file.Path out) throws java.io.IOException {
                return TimmImporter.importCheckpoint(in, out);
            }
        });
        register(ai.mlpzoo.loading.sae.SaeImporter.saeLens());
        register(ai.mlpzoo.loading.sae.SaeImporter.sparsify());
        register(KanImporter.efficientKan());
        register(KanImporter.fastKan());
        register(KanImporter.katRational());
    }

    private Importers() {}

    private static void register(CheckpointImporter importer) {
        FORMATS.put(importer.format(), importer);
    }

    /**
     * Finds the importer of a format.
     *
     * @param format the format name
     * @return the importer
     * @throws IllegalArgumentException listing the known formats when there is none
     */
    public static CheckpointImporter get(String format) {
        CheckpointImporter importer = FORMATS.get(format);
        if (importer == null) {
            throw new IllegalArgumentException(
                    "unknown checkpoint format '" + format + "'; known: " + String.join(", ", FORMATS.keySet()));
        }
        return importer;
    }

    /** @return the known format names */
    public static java.util.Set<String> formats() {
        return java.util.Collections.unmodifiableSet(FORMATS.keySet());
    }
}
