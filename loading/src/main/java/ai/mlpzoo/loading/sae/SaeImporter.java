package ai.mlpzoo.loading.sae;

import ai.djl.ndarray.NDManager;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.loading.CheckpointImporter;
import ai.mlpzoo.zoo.ModelDirs;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code mlpzoo import --format saelens|sparsify}: reads a SAELens or sparsify folder and writes an
 * mlp-zoo model directory whose block returns {@code feature_acts} and {@code output}.
 */
public final class SaeImporter implements CheckpointImporter {

    private final String format;

    private SaeImporter(String format) {
        this.format = format;
    }

    /** @return the SAELens v6 importer */
    public static SaeImporter saeLens() {
        return new SaeImporter("saelens");
    }

    /** @return the sparsify importer */
    public static SaeImporter sparsify() {
        return new SaeImporter("sparsify");
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public SaeConfig importCheckpoint(Path checkpointDir, Path out) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedSae sae =
                    "saelens".equals(format)
                            ? SaeLensFormat.read(manager, checkpointDir)
                            : SparsifyFormat.read(manager, checkpointDir);
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("source", format);
            ModelDirs.save(out, sae.config(), sae.block(), Configs.toJson(meta) + "\n", null);
            return sae.config();
        }
    }
}
