package ai.mlpzoo.loading.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.sae.MultiLayerSae;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.TunedLens;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.io.AtomicFiles;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * tim-lawson/mlsae's autoencoder-only layout ({@code MLSAE.save_pretrained}, huggingface_hub's
 * {@code PyTorchModelHubMixin}, as its {@code upload.py} publishes them): {@code config.json} with
 * the constructor's arguments ({@code n_inputs}, {@code n_latents}, {@code k}, {@code auxk}, {@code
 * dead_steps_threshold}, {@code dead_threshold}, {@code standardize}) and {@code model.safetensors}
 * with {@code encoder.weight} (n_latents, n_inputs), {@code decoder.weight} (n_inputs, n_latents)
 * (a torch Linear from latents to inputs, so column j is latent j) and {@code pre_encoder_bias}
 * (n_inputs). They become a {@link MultiLayerSae}'s W_enc, W_dec (both transposed) and b_dec; the
 * config's training fields ride along in the config's {@code metadata} and are written back as they
 * came.
 */
public final class MlsaeFormat {

    /** The config file. */
    public static final String CONFIG = "config.json";

    /** The weights file. */
    public static final String WEIGHTS = "model.safetensors";

    /** The reference's tensors and their SAELens names, in the reference's order. */
    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("encoder.weight", "W_enc");
        NAMES.put("decoder.weight", "W_dec");
        NAMES.put("pre_encoder_bias", "b_dec");
    }

    /** The reference's defaults, for an SAE that did not come from it (auxk is capped at d_sae). */
    private static final int DEFAULT_AUXK = 256;

    private static final int DEFAULT_DEAD_STEPS = 1000;
    private static final double DEFAULT_DEAD_THRESHOLD = 1e-3;

    private MlsaeFormat() {}

    /**
     * Reads an mlsae {@code config.json}.
     *
     * @param file the file
     * @return the validated architecture ({@code mlsae}), its training fields in {@code metadata}
     * @throws IOException when the file is missing or not JSON
     */
    public static SaeConfig readConfig(Path file) throws IOException {
        SaeTensors.requireFile(file, "mlsae config.json");
        String source = file.toString();
        JsonNode root = Configs.readObject(Configs.readFile(file, "mlsae config.json"), source);
        JsonNode standardize = root.get("standardize");
        if (standardize != null && !standardize.asBoolean(true)) {
            throw new ConfigException(
                    source
                            + ": standardize = false is not supported (only the reference's"
                            + " default, standardised inputs)");
        }
        JsonNode lens = root.get("lens");
        if (lens != null && lens.asBoolean(false)) {
            throw new ConfigException(
                    source + ": lens = true (learned per-layer transforms) is not supported");
        }
        SaeConfig c = new SaeConfig();
        c.architecture = MultiLayerSae.ARCHITECTURE.name();
        c.dIn = SaeTensors.requiredInt(root, "n_inputs", source);
        c.dSae = SaeTensors.requiredInt(root, "n_latents", source);
        c.k = SaeTensors.requiredInt(root, "k", source);
        JsonNode auxk = root.get("auxk");
        if (auxk == null || auxk.isNull()) {
            // the reference's forward fails without auxk: such a checkpoint was never usable
            throw new ConfigException(
                    source + ": field 'auxk' is missing or null; the reference needs an integer");
        }
        int a = SaeTensors.requiredInt(root, "auxk", source);
        if (a <= 0 || a > c.dSae) {
            throw new ConfigException(
                    source + ": field 'auxk' must be in [1, n_latents = " + c.dSae + "], got " + a);
        }
        c.metadata = root.deepCopy();
        try {
            return c.validate();
        } catch (ConfigException e) {
            throw new ConfigException(
                    source
                            + ": "
                            + e.getMessage()
                                    .replace("'d_in'", "'n_inputs' (d_in)")
                                    .replace("'d_sae'", "'n_latents' (d_sae)"),
                    e);
        }
    }

    /**
     * Reads an mlsae folder.
     *
     * @param manager the owner of the weights
     * @param dir the folder
     * @return the architecture and the block holding the weights
     * @throws IOException when a file is missing, truncated or corrupt
     * @throws CheckpointException naming a missing, unexpected or misshapen tensor
     */
    public static LoadedSae read(NDManager manager, Path dir) throws IOException {
        SaeTensors.requireDir(dir);
        SaeConfig config = readConfig(dir.resolve(CONFIG));
        Path weights = dir.resolve(WEIGHTS);
        String source = weights.toString();
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray t : SafeTensors.read(manager, weights)) {
            byName.put(t.getName(), t);
        }
        List<String> missing = new ArrayList<>();
        for (String name : NAMES.keySet()) {
            if (!byName.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(
                    source
                            + ": missing tensor(s) "
                            + String.join(", ", missing)
                            + " that an mlsae checkpoint holds (encoder.weight, decoder.weight,"
                            + " pre_encoder_bias)");
        }
        NDList renamed = new NDList();
        for (Map.Entry<String, NDArray> e : byName.entrySet()) {
            String name = e.getKey();
            if ("last_nonzero".equals(name)) {
                continue; // a training buffer; upload.py deletes it, a loaded model starts at 0
            }
            NDArray t = e.getValue();
            String ours = NAMES.get(name);
            if (ours == null) {
                renamed.add(t); // refused by name below, as every unexpected tensor
                continue;
            }
            if (!"pre_encoder_bias".equals(name)) {
                if (t.getShape().dimension() != 2) {
                    throw new CheckpointException(
                            source
                                    + ": tensor '"
                                    + name
                                    + "' must be a matrix, got shape "
                                    + t.getShape());
                }
                // torch Linear weights are (out, in); ours are (in, out)
                t = t.transpose();
            }
            t.setName(ours);
            renamed.add(t);
        }
        return SaeTensors.load(manager, config, renamed, source);
    }

    /** The tuned lens's folder in a lens variant's checkpoint. */
    public static final String LENS_DIR = "tuned_lens";

    /**
     * Reads the tuned lens of a lens variant ({@code tuned_lens/}: tuned-lens's {@code config.json}
     * and {@code params.safetensors}, translators {@code {l}.weight} (d, d) and {@code {l}.bias}
     * (d)), if the folder has one. The lens wraps the SAE outside the block, as the reference's
     * transformer does ({@link TunedLens#transform} before, {@link TunedLens#inverse} after).
     *
     * @param manager the owner of the tensors
     * @param dir the mlsae folder
     * @return the lens, or null when there is no {@code tuned_lens/}
     * @throws IOException when a file is missing or corrupt
     * @throws CheckpointException naming a missing or misshapen translator tensor
     */
    public static TunedLens readLens(NDManager manager, Path dir) throws IOException {
        Path lensDir = dir.resolve(LENS_DIR);
        if (!Files.isDirectory(lensDir)) {
            return null;
        }
        Path cfgFile = lensDir.resolve("config.json");
        SaeTensors.requireFile(cfgFile, "tuned-lens config.json");
        String cfgSource = cfgFile.toString();
        JsonNode cfg =
                Configs.readObject(Configs.readFile(cfgFile, "tuned-lens config.json"), cfgSource);
        int layers = SaeTensors.requiredInt(cfg, "num_hidden_layers", cfgSource);
        int d = SaeTensors.requiredInt(cfg, "d_model", cfgSource);
        if (layers <= 0 || d <= 0) {
            throw new ConfigException(
                    cfgSource + ": num_hidden_layers and d_model must be positive");
        }
        boolean bias = cfg.path("bias").asBoolean(true);
        Path params = lensDir.resolve("params.safetensors");
        SaeTensors.requireFile(
                params, "tuned-lens params.safetensors (the safetensors twin of params.pt)");
        String source = params.toString();
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray t : SafeTensors.read(manager, params)) {
            byName.put(t.getName(), t);
        }
        NDList ws = new NDList();
        NDList bs = new NDList();
        for (int l = 0; l < layers; l++) {
            ws.add(lensTensor(byName, l + ".weight", new Shape(d, d), source));
            bs.add(
                    bias
                            ? lensTensor(byName, l + ".bias", new Shape(d), source)
                            : manager.zeros(new Shape(d)));
        }
        return new TunedLens(NDArrays.stack(ws), NDArrays.stack(bs));
    }

    private static NDArray lensTensor(
            Map<String, NDArray> byName, String name, Shape shape, String source) {
        NDArray t = byName.get(name);
        if (t == null) {
            throw new CheckpointException(
                    source + ": missing tensor '" + name + "' of the tuned lens (one per layer)");
        }
        if (!t.getShape().equals(shape)) {
            throw new CheckpointException(
                    source
                            + ": tensor '"
                            + name
                            + "' has shape "
                            + t.getShape()
                            + ", expected "
                            + shape);
        }
        return t.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
    }

    /**
     * Writes an mlsae folder: the config's own fields from the SAE, its training fields from the
     * config's {@code metadata} (the reference's defaults for an SAE that did not come from mlsae),
     * keys sorted as the reference writes them.
     *
     * @param dir the folder to create or update
     * @param config the architecture ({@code mlsae})
     * @param block the block holding the weights
     * @throws IOException when writing fails
     */
    public static void write(Path dir, SaeConfig config, SparseCoder block) throws IOException {
        config.validate();
        SaeTensors.requireSameArchitecture(config, block);
        if (!(block instanceof MultiLayerSae)) {
            throw new IllegalArgumentException(
                    "only an mlsae (multi-layer SAE) can be written in the mlsae layout, got "
                            + config);
        }
        JsonNode meta = config.metadata;
        ObjectNode root = Configs.MAPPER.createObjectNode(); // keys in sorted order
        root.put("auxk", intOr(meta, "auxk", Math.min(DEFAULT_AUXK, config.dSae)));
        root.put("dead_steps_threshold", intOr(meta, "dead_steps_threshold", DEFAULT_DEAD_STEPS));
        root.put(
                "dead_threshold",
                meta != null && meta.path("dead_threshold").isNumber()
                        ? meta.get("dead_threshold").asDouble()
                        : DEFAULT_DEAD_THRESHOLD);
        root.put("k", config.k);
        root.put("n_inputs", config.dIn);
        root.put("n_latents", config.dSae);
        root.put("standardize", true);
        NDList out = new NDList();
        try (NDManager scratch = block.getWEnc().getArray().getManager().newSubManager()) {
            out.add(torchLinear(block.getWEnc().getArray(), "encoder.weight", scratch));
            out.add(torchLinear(block.getWDec().getArray(), "decoder.weight", scratch));
            NDArray b = block.getBDec().getArray().duplicate();
            b.attach(scratch);
            b.setName("pre_encoder_bias");
            out.add(b);
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve(CONFIG), Configs.toJson(root) + "\n");
            SafeTensors.write(out, dir.resolve(WEIGHTS));
        }
    }

    private static NDArray torchLinear(NDArray ours, String name, NDManager scratch) {
        // a contiguous copy of the transpose: the safetensors writer reads the array's memory
        NDArray t = ours.transpose().duplicate();
        t.attach(scratch);
        t.setName(name);
        return t;
    }

    private static int intOr(JsonNode meta, String field, int fallback) {
        JsonNode n = meta == null ? null : meta.get(field);
        return n != null && n.canConvertToInt() ? n.asInt() : fallback;
    }
}
