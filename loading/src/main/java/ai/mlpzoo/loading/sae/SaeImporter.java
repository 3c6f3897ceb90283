package ai.mlpzoo.loading.sae;

import ai.djl.ndarray.NDManager;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.loading.CheckpointImporter;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint format that holds sparse coders, both ways: {@code mlpzoo import --format
 * saelens|sparsify} reads a folder and writes an mlp-zoo model directory whose block returns {@code
 * feature_acts} and {@code output}, and {@code mlpzoo train-sae --format} writes a trained coder in
 * the layout. Found by name in {@link ai.mlpzoo.loading.Importers}, like every format.
 */
public final class SaeImporter implements CheckpointImporter {

    /** Reads a folder of the format. */
    @FunctionalInterface
    interface Reader {
        LoadedSae read(NDManager manager, Path dir) throws IOException;
    }

    /** Writes a folder of the format. */
    @FunctionalInterface
    interface Writer {
        void write(Path dir, SaeConfig config, SparseCoder block) throws IOException;
    }

    private final String format;
    private final Reader reader;
    private final Writer writer;

    private SaeImporter(String format, Reader reader, Writer writer) {
        this.format = format;
        this.reader = reader;
        this.writer = writer;
    }

    /**
     * @return the SAELens v6 format
     */
    public static SaeImporter saeLens() {
        return new SaeImporter("saelens", SaeLensFormat::read, SaeLensFormat::write);
    }

    /**
     * @return the sparsify format
     */
    public static SaeImporter sparsify() {
        return new SaeImporter("sparsify", SparsifyFormat::read, SparsifyFormat::write);
    }

    /**
     * @return tim-lawson/mlsae's format (config.json + model.safetensors) of multi-layer SAEs
     */
    public static SaeImporter mlsae() {
        return new SaeImporter("mlsae", MlsaeFormat::read, MlsaeFormat::write);
    }

    @Override
    public String format() {
        return format;
    }

    /**
     * Reads a folder of this format.
     *
     * @param manager the owner of the weights
     * @param dir the folder
     * @return the architecture and the block holding the weights
     * @throws IOException when a file is missing, truncated or corrupt
     */
    public LoadedSae read(NDManager manager, Path dir) throws IOException {
        return reader.read(manager, dir);
    }

    /**
     * Writes a coder in this format.
     *
     * @param dir the folder to create or update
     * @param config the architecture
     * @param block the block holding the weights
     * @throws IOException when writing fails
     * @throws IllegalArgumentException when the format cannot hold the architecture
     */
    public void write(Path dir, SaeConfig config, SparseCoder block) throws IOException {
        writer.write(dir, config, block);
    }

    @Override
    public SaeConfig importCheckpoint(Path checkpointDir, Path out) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedSae sae = read(manager, checkpointDir);
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("source", format);
            ModelDirs.save(out, sae.config(), sae.block(), Configs.toJson(meta) + "\n", null);
            return sae.config();
        }
    }
}
