package ai.mlpzoo.loading.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.blocks.sae.SaeArchitecture;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.io.AtomicFiles;
import ai.mlpzoo.io.SafeTensors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * EleutherAI sparsify's folder layout: {@code cfg.json} (activation, k, num_latents or
 * expansion_factor, d_in, transcode, skip_connection) and {@code sae.safetensors} with {@code
 * encoder.weight} (num_latents, d_in) and {@code encoder.bias} (a torch Linear), {@code W_dec}
 * (num_latents, d_in), {@code b_dec} (d_in) and optionally {@code W_skip} (d_in, d_in). The input
 * has b_dec subtracted unless {@code transcode}. The activations are those an architecture of
 * {@link SaeArchitectures} declares as its sparsify name (topk).
 */
public final class SparsifyFormat {

    /** The config file. */
    public static final String CONFIG = "cfg.json";

    /** The weights file. */
    public static final String WEIGHTS = "sae.safetensors";

    private SparsifyFormat() {}

    /**
     * Reads a sparsify {@code cfg.json}.
     *
     * @param file the file
     * @return the validated architecture
     * @throws IOException when the file is missing or not JSON
     */
    public static SaeConfig readConfig(Path file) throws IOException {
        SaeTensors.requireFile(file, "sparsify cfg.json");
        String source = file.toString();
        JsonNode root = Configs.readObject(Configs.readFile(file, "sparsify cfg.json"), source);
        String activation = SaeTensors.text(root, "activation");
        // sparsify's default activation is topk
        SaeArchitecture a =
                SaeArchitectures.forSparsify(activation == null ? "topk" : activation).orElse(null);
        if (a == null) {
            throw new ConfigException(
                    source
                            + ": unknown sparsify activation '"
                            + activation
                            + "'; supported: "
                            + String.join(", ", SaeArchitectures.sparsifyActivations()));
        }
        SaeConfig c = new SaeConfig();
        c.architecture = a.name();
        c.dIn = SaeTensors.requiredInt(root, "d_in", source);
        JsonNode latents = root.get("num_latents");
        if (latents != null && latents.canConvertToInt() && latents.asInt() > 0) {
            c.dSae = latents.asInt();
        } else {
            c.dSae = c.dIn * SaeTensors.requiredInt(root, "expansion_factor", source);
        }
        c.k = SaeTensors.requiredInt(root, "k", source);
        c.applyBDecToInput = !root.path("transcode").asBoolean(false);
        c.skip = root.path("skip_connection").asBoolean(false);
        try {
            return c.validate();
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a sparsify folder.
     *
     * @param manager the owner of the weights
     * @param dir the folder
     * @return the architecture and the block holding the weights
     * @throws IOException when a file is missing, truncated or corrupt
     */
    public static LoadedSae read(NDManager manager, Path dir) throws IOException {
        SaeTensors.requireDir(dir);
        SaeConfig config = readConfig(dir.resolve(CONFIG));
        Path weights = dir.resolve(WEIGHTS);
        NDList renamed = new NDList();
        for (NDArray t : SafeTensors.read(manager, weights)) {
            String name = t.getName();
            if ("encoder.weight".equals(name)) {
                // torch Linear keeps (out, in); SAELens and our block keep W_enc as (d_in, d_sae)
                NDArray w = t.getShape().dimension() == 2 ? t.transpose() : t;
                w.setName("W_enc");
                renamed.add(w);
            } else {
                t.setName("encoder.bias".equals(name) ? "b_enc" : name);
                renamed.add(t);
            }
        }
        return SaeTensors.load(manager, config, renamed, weights.toString());
    }

    /**
     * Writes a sparsify folder.
     *
     * @param dir the folder to create or update
     * @param config the architecture (one sparsify knows, d_out == d_in)
     * @param block the block holding the weights
     * @throws IOException when writing fails
     */
    public static void write(Path dir, SaeConfig config, SparseCoder block) throws IOException {
        config.validate();
        SaeTensors.requireSameArchitecture(config, block);
        String activation = config.registered().sparsifyActivation();
        if (activation == null || config.outWidth() != config.dIn) {
            throw new IllegalArgumentException(
                    "only coders with d_out == d_in whose architecture sparsify knows ("
                            + String.join(", ", SaeArchitectures.sparsifyActivations())
                            + ") can be written in the sparsify layout, got "
                            + config);
        }
        ObjectNode root = Configs.MAPPER.createObjectNode();
        root.put("activation", activation);
        root.put("expansion_factor", Math.max(1, config.dSae / config.dIn));
        root.put("normalize_decoder", true);
        root.put("num_latents", config.dSae);
        root.put("k", config.k);
        root.put("multi_topk", false);
        root.put("skip_connection", config.dims().skip());
        root.put("transcode", !config.dims().applyBDecToInput());
        root.put("d_in", config.dIn);
        NDList out = new NDList();
        try (NDManager scratch = block.getWEnc().getArray().getManager().newSubManager()) {
            for (NDArray a : SaeTensors.named(block)) {
                switch (a.getName()) {
                    case "W_enc":
                        NDArray w = a.transpose();
                        w.attach(scratch);
                        w.setName("encoder.weight");
                        out.add(w);
                        break;
                    case "b_enc":
                        NDArray b = a.duplicate();
                        b.attach(scratch);
                        b.setName("encoder.bias");
                        out.add(b);
                        break;
                    default:
                        out.add(a);
                }
            }
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve(CONFIG), Configs.toJson(root) + "\n");
            SafeTensors.write(out, dir.resolve(WEIGHTS));
        }
    }
}
