package ai.mlpzoo.loading;

import ai.mlpzoo.config.MsMlpConfig;
import ai.mlpzoo.config.RaftMlpConfig;
import ai.mlpzoo.config.StripMlpConfig;
import ai.mlpzoo.loading.sae.SaeImporter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint formats, by name: the one map that {@code mlpzoo import --format}, {@code mlpzoo
 * train-sae --format} and any other caller consult, so that a format is named once and an unknown
 * name is refused, with the known ones listed, before any work.
 */
public final class Importers {

    private static final Map<String, CheckpointImporter> FORMATS = new LinkedHashMap<>();

    static {
        register(
                new CheckpointImporter() {
                    @Override
                    public String format() {
                        return "timm";
                    }

                    @Override
                    public ai.mlpzoo.config.ModelConfig importCheckpoint(
                            java.nio.file.Path in, java.nio.file.Path out)
                            throws java.io.IOException {
                        return TimmImporter.importAny(in, out);
                    }
                });
        register(SaeImporter.saeLens());
        register(SaeImporter.sparsify());
        register(SaeImporter.mlsae());
        register(KanImporter.efficientKan());
        register(KanImporter.fastKan());
        register(KanImporter.katRational());
        register(new ai.mlpzoo.loading.timeseries.TsMixerGoogleImporter());
        register(new ai.mlpzoo.loading.timeseries.TimeMixerImporter());
        register(new ai.mlpzoo.loading.timeseries.HfImporter());
        register(new ReferenceImporter("ms-mlp", "ms_mlp", MsMlpConfig.class));
        register(new ReferenceImporter("raft-mlp", "raft_mlp", RaftMlpConfig.class));
        register(new ReferenceImporter("strip-mlp", "strip_mlp", StripMlpConfig.class));
        // vision, part 2 (issue 18)
        register(new ScalingMlpImporter());
        register(new RepMlpImporter());
        NinformerActivatorImporters.register(Importers::register);
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
                    "unknown checkpoint format '"
                            + format
                            + "'; known: "
                            + String.join(", ", FORMATS.keySet()));
        }
        return importer;
    }

    /**
     * Finds a format that holds sparse coders (and can write them).
     *
     * @param format the format name
     * @return its reader and writer
     * @throws IllegalArgumentException naming the SAE formats when the name is unknown or is not
     *     one
     */
    public static SaeImporter saeFormat(String format) {
        CheckpointImporter importer = FORMATS.get(format);
        if (importer == null) {
            throw new IllegalArgumentException(
                    "unknown SAE format '"
                            + format
                            + "'; known: "
                            + String.join(", ", saeFormats()));
        }
        if (!(importer instanceof SaeImporter)) {
            throw new IllegalArgumentException(
                    "format '"
                            + format
                            + "' does not hold sparse coders; SAE formats: "
                            + String.join(", ", saeFormats()));
        }
        return (SaeImporter) importer;
    }

    /**
     * @return the names of the formats that hold sparse coders
     */
    public static List<String> saeFormats() {
        List<String> out = new ArrayList<>();
        FORMATS.forEach(
                (name, importer) -> {
                    if (importer instanceof SaeImporter) {
                        out.add(name);
                    }
                });
        return out;
    }

    /**
     * @return the known format names
     */
    public static java.util.Set<String> formats() {
        return java.util.Collections.unmodifiableSet(FORMATS.keySet());
    }
}
