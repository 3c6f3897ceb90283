package ai.mlpzoo.loading.sae;

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
 * SAELens v6's folder layout: {@code cfg.json} (d_in, d_sae, architecture, apply_b_dec_to_input, k
 * for topk, d_out for transcoders, metadata) and {@code sae_weights.safetensors} (W_enc (d_in,
 * d_sae), b_enc, W_dec (d_sae, d_out), b_dec, and threshold or W_skip where the architecture has
 * them). The architectures are those of {@link SaeArchitectures}, each saved under the SAELens name
 * it declares (a BatchTopK SAE as jumprelu with its global threshold, as SAELens does), with {@code
 * k} where it declares one and {@code d_out} for a transcoder.
 */
public final class SaeLensFormat {

    /** The config file. */
    public static final String CONFIG = "cfg.json";

    /** The weights file. */
    public static final String WEIGHTS = "sae_weights.safetensors";

    private SaeLensFormat() {}

    /**
     * Reads a {@code cfg.json}.
     *
     * @param file the file
     * @return the validated architecture
     * @throws IOException when the file is missing or not JSON
     */
    public static SaeConfig readConfig(Path file) throws IOException {
        SaeTensors.requireFile(file, "SAELens cfg.json");
        String source = file.toString();
        JsonNode root = Configs.readObject(Configs.readFile(file, "SAELens cfg.json"), source);
        String arch = SaeTensors.text(root, "architecture");
        if (arch == null) {
            throw new ConfigException(source + ": field 'architecture' is missing");
        }
        SaeArchitecture a =
                SaeArchitectures.find(arch)
                        .filter(SaeArchitecture::isSaeLensArchitecture)
                        .orElse(null);
        if (a == null) {
            throw new ConfigException(
                    source
                            + ": unknown SAELens architecture '"
                            + arch
                            + "'; supported: "
                            + String.join(", ", SaeArchitectures.saeLensNames()));
        }
        requireNone(root, "normalize_activations", source);
        String reshape = reshapeActivations(root, source);
        JsonNode rescale = root.get("rescale_acts_by_decoder_norm");
        if (rescale != null && rescale.asBoolean(false)) {
            throw new ConfigException(
                    source + ": rescale_acts_by_decoder_norm = true is not supported");
        }
        SaeConfig c = new SaeConfig();
        c.architecture = arch;
        c.dIn = SaeTensors.requiredInt(root, "d_in", source);
        c.dSae = SaeTensors.requiredInt(root, "d_sae", source);
        if (a.isTranscoder()) {
            c.dOut = SaeTensors.requiredInt(root, "d_out", source);
            c.applyBDecToInput = false;
        } else {
            JsonNode apply = root.get("apply_b_dec_to_input");
            c.applyBDecToInput = apply == null || apply.asBoolean(true);
        }
        if (a.usesK()) {
            c.k = SaeTensors.requiredInt(root, "k", source);
        }
        JsonNode meta = root.get("metadata");
        c.metadata = meta != null && meta.isObject() ? meta : null;
        c.reshapeActivations = reshape;
        try {
            return c.validate();
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * SAELens' {@code reshape_activations}: none, or hook_z when the hook name ends in {@code _z}
     * (SAELens refuses it otherwise); a config from before SAELens 6, without the field, is hook_z
     * whenever its hook name contains {@code hook_z}, as SAELens reads it.
     */
    private static String reshapeActivations(JsonNode root, String source) {
        JsonNode meta = root.get("metadata");
        String hook = meta != null && meta.isObject() ? SaeTensors.text(meta, "hook_name") : null;
        if (hook == null) {
            hook = SaeTensors.text(root, "hook_name"); // SAELens 5 kept it at the top level
        }
        if (!root.has("reshape_activations")) {
            return hook != null && hook.contains("hook_z") ? SaeConfig.HOOK_Z : null;
        }
        String v = SaeTensors.text(root, "reshape_activations");
        if (v == null || "none".equals(v)) {
            return null;
        }
        if (!SaeConfig.HOOK_Z.equals(v)) {
            throw new ConfigException(
                    source
                            + ": reshape_activations = '"
                            + v
                            + "' is not supported (only 'none' and 'hook_z')");
        }
        if (hook == null || !hook.endsWith("_z")) {
            throw new ConfigException(
                    source
                            + ": reshape_activations = 'hook_z' needs a metadata.hook_name ending in '_z',"
                            + " got "
                            + (hook == null ? "none" : "'" + hook + "'"));
        }
        return SaeConfig.HOOK_Z;
    }

    private static void requireNone(JsonNode root, String field, String source) {
        String v = SaeTensors.text(root, field);
        if (v != null && !"none".equals(v)) {
            throw new ConfigException(
                    source + ": " + field + " = '" + v + "' is not supported (only 'none')");
        }
    }

    /**
     * Reads a SAELens folder.
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
        NDList tensors = SafeTensors.read(manager, weights);
        return SaeTensors.load(manager, config, tensors, weights.toString());
    }

    /**
     * Reads a BatchTopK-family inference folder (saved by SAELens as {@code jumprelu}) together
     * with the training config it came from, so that the SAE comes back as what was trained: a
     * {@code matryoshka_batchtopk} config (SAELens' {@code MatryoshkaBatchTopKTrainingSAE}: {@code
     * k}, {@code matryoshka_widths}, the cumulative group ends, the last being d_sae) gives a
     * Matryoshka BatchTopK SAE, a {@code batchtopk} config a BatchTopK SAE, with the folder's
     * weights and threshold (the decoder norms already folded in, as SAELens saves them). Such a
     * block can go on training.
     *
     * @param manager the owner of the weights
     * @param dir the inference folder
     * @param trainingConfig SAELens' training config (its {@code cfg.json} while training)
     * @return the architecture and the block holding the weights
     * @throws IOException when a file is missing, truncated or corrupt
     * @throws ConfigException naming a bad or missing field of either config
     */
    public static LoadedSae readTrained(NDManager manager, Path dir, Path trainingConfig)
            throws IOException {
        SaeTensors.requireDir(dir);
        SaeConfig inference = readConfig(dir.resolve(CONFIG));
        SaeTensors.requireFile(trainingConfig, "SAELens training config");
        String source = trainingConfig.toString();
        JsonNode root =
                Configs.readObject(
                        Configs.readFile(trainingConfig, "SAELens training config"), source);
        String arch = SaeTensors.text(root, "architecture");
        if (!"matryoshka_batchtopk".equals(arch) && !"batchtopk".equals(arch)) {
            throw new ConfigException(
                    source
                            + ": architecture '"
                            + arch
                            + "' is not a BatchTopK training config (matryoshka_batchtopk or"
                            + " batchtopk)");
        }
        if (!"jumprelu".equals(inference.architecture)) {
            throw new ConfigException(
                    dir.resolve(CONFIG)
                            + ": a BatchTopK SAE is saved for inference as jumprelu, got "
                            + inference.architecture);
        }
        int dIn = SaeTensors.requiredInt(root, "d_in", source);
        int dSae = SaeTensors.requiredInt(root, "d_sae", source);
        if (dIn != inference.dIn || dSae != inference.dSae) {
            throw new ConfigException(
                    source
                            + ": d_in "
                            + dIn
                            + ", d_sae "
                            + dSae
                            + " differ from the folder's d_in "
                            + inference.dIn
                            + ", d_sae "
                            + inference.dSae);
        }
        SaeConfig c = new SaeConfig();
        c.architecture = arch;
        c.dIn = dIn;
        c.dSae = dSae;
        c.k = SaeTensors.requiredInt(root, "k", source);
        c.applyBDecToInput = inference.applyBDecToInput;
        c.metadata = inference.metadata;
        c.reshapeActivations = inference.reshapeActivations;
        if ("matryoshka_batchtopk".equals(arch)) {
            c.groupSizes = groupSizes(root.get("matryoshka_widths"), dSae, source);
        }
        try {
            c.validate();
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        Path weights = dir.resolve(WEIGHTS);
        NDList tensors = SafeTensors.read(manager, weights);
        return SaeTensors.load(manager, c, tensors, weights.toString());
    }

    /** SAELens' cumulative {@code matryoshka_widths} as group sizes. */
    private static java.util.List<Integer> groupSizes(JsonNode widths, int dSae, String source) {
        if (widths == null || !widths.isArray() || widths.isEmpty()) {
            throw new ConfigException(
                    source
                            + ": field 'matryoshka_widths' is missing (the group ends, last = d_sae)");
        }
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        int prev = 0;
        for (JsonNode w : widths) {
            if (!w.isIntegralNumber() || w.asInt() <= prev) {
                throw new ConfigException(
                        source
                                + ": field 'matryoshka_widths' "
                                + widths
                                + " must be increasing whole numbers");
            }
            sizes.add(w.asInt() - prev);
            prev = w.asInt();
        }
        if (prev != dSae) {
            throw new ConfigException(
                    source
                            + ": field 'matryoshka_widths' "
                            + widths
                            + " must end at d_sae = "
                            + dSae
                            + ", got "
                            + prev);
        }
        return sizes;
    }

    /**
     * Writes a SAELens folder.
     *
     * @param dir the folder to create or update
     * @param config the architecture
     * @param block the block holding the weights
     * @throws IOException when writing fails
     */
    public static void write(Path dir, SaeConfig config, SparseCoder block) throws IOException {
        config.validate();
        SaeTensors.requireSameArchitecture(config, block);
        // the architecture it is saved as decides the fields (BatchTopK: a jumprelu, without k)
        if (config.registered().saeLensName() == null) {
            throw new IllegalArgumentException(
                    "a "
                            + config.architecture
                            + " SAE cannot be written in the SAELens layout (SAELens has no such"
                            + " architecture); use its own format");
        }
        SaeArchitecture saved = SaeArchitectures.get(config.registered().saeLensName());
        String arch = saved.name();
        if (config.dims().skip() && !saved.hasSkip()) {
            throw new IllegalArgumentException(
                    "a "
                            + arch
                            + " SAE with a skip connection cannot be written in the SAELens layout");
        }
        if (!saved.isTranscoder() && config.outWidth() != config.dIn) {
            throw new IllegalArgumentException(
                    "a "
                            + arch
                            + " transcoder (d_out != d_in) cannot be written in the SAELens layout");
        }
        ObjectNode root = Configs.MAPPER.createObjectNode();
        root.put("d_in", config.dIn);
        root.put("d_sae", config.dSae);
        root.put("dtype", "float32");
        root.put("device", "cpu");
        root.put("apply_b_dec_to_input", config.dims().applyBDecToInput());
        root.put("normalize_activations", "none");
        root.put("reshape_activations", config.isHookZ() ? SaeConfig.HOOK_Z : "none");
        root.set(
                "metadata",
                config.metadata != null ? config.metadata : Configs.MAPPER.createObjectNode());
        root.put("architecture", arch);
        if (saved.usesK()) {
            root.put("k", config.k);
            root.put("rescale_acts_by_decoder_norm", false);
        }
        if (saved.isTranscoder()) {
            root.put("d_out", config.outWidth());
        }
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve(CONFIG), Configs.toJson(root) + "\n");
        SafeTensors.write(SaeTensors.named(block), dir.resolve(WEIGHTS));
    }
}
