package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.sae.SaeArchitecture;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SaeSpec;
import ai.mlpzoo.blocks.sae.SparseCoder;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * A sparse autoencoder or transcoder (blocks in {@code ai.mlpzoo.blocks.sae}). Field names follow
 * SAELens' {@code cfg.json} (d_in, d_sae, d_out, k, apply_b_dec_to_input, architecture) so that the
 * checkpoint readers map one to one. {@code metadata} carries SAELens' metadata (hook names, model
 * name) through a round trip unchanged. What the fields mean and which are required is the
 * architecture's to say: this class looks it up in {@link SaeArchitectures} and delegates.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SaeConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "sae";

    /** The {@code reshape_activations} of attention-output SAEs. */
    public static final String HOOK_Z = "hook_z";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("architecture")
    public String architecture = "standard";

    @JsonProperty("d_in")
    public int dIn;

    @JsonProperty("d_sae")
    public int dSae;

    /** The output width; null means d_in (an autoencoder). */
    @JsonProperty("d_out")
    public Integer dOut;

    /** Active latents per row, for the architectures that keep k (topk, batchtopk). */
    @JsonProperty("k")
    public Integer k;

    /** Whether b_dec is subtracted from the input; a transcoder never subtracts it. */
    @JsonProperty("apply_b_dec_to_input")
    public boolean applyBDecToInput = true;

    /** Whether a skip connection W_skip exists (always for skip_transcoder). */
    @JsonProperty("skip")
    public boolean skip;

    /**
     * The Matryoshka groups' sizes in order, summing to d_sae (matryoshka_batchtopk only; absent
     * means one group).
     */
    @JsonProperty("group_sizes")
    public List<Integer> groupSizes;

    /**
     * SAELens' {@code reshape_activations}: null or {@code none}, or {@code hook_z} for an
     * attention-output SAE whose input is (..., n_heads, d_head).
     */
    @JsonProperty("reshape_activations")
    public String reshapeActivations;

    /** The source library's metadata (hook names, model), kept for a round trip. */
    @JsonProperty("metadata")
    public JsonNode metadata;

    /**
     * @return the output width
     */
    public int outWidth() {
        return dOut == null ? dIn : dOut;
    }

    /**
     * @return whether the architecture is a transcoder's
     * @throws ConfigException when the architecture is not registered
     */
    @JsonIgnore
    public boolean isTranscoderArchitecture() {
        return registered().isTranscoder();
    }

    /**
     * @return the registered architecture of the field {@code architecture}
     */
    @JsonIgnore
    public SaeArchitecture registered() {
        return SaeArchitectures.find(architecture)
                .orElseThrow(
                        () ->
                                new ConfigException(
                                        "unknown SAE architecture '"
                                                + architecture
                                                + "' in field 'architecture'; known: "
                                                + String.join(", ", SaeArchitectures.names())));
    }

    /**
     * @return the fields, as the architecture reads them
     */
    public SaeSpec spec() {
        return new SaeSpec(dIn, dSae, dOut, k, applyBDecToInput, skip, groupSizes);
    }

    /**
     * @return the block's sizes
     */
    public SaeDims dims() {
        return registered().dims(spec());
    }

    @Override
    public SaeConfig validate() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        SaeArchitecture arch = registered();
        if (reshapeActivations != null
                && !"none".equals(reshapeActivations)
                && !HOOK_Z.equals(reshapeActivations)) {
            throw new ConfigException(
                    "field 'reshape_activations' must be 'none' or 'hook_z', got '"
                            + reshapeActivations
                            + "'");
        }
        if (groupSizes != null && !"matryoshka_batchtopk".equals(architecture)) {
            throw new ConfigException(
                    "field 'group_sizes' is only for architecture matryoshka_batchtopk, not "
                            + architecture);
        }
        try {
            arch.validate(spec());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        Configs.checkFits(footprint());
        return this;
    }

    /**
     * The estimate: the encoder (d_in x d_sae) and decoder (d_sae x d_out) matrices with their
     * biases, and W_skip (d_out x d_in) when there is one; per sample the pre-activations and
     * latents (2 x d_sae) and the reconstruction.
     *
     * @return the estimate, naming the widest of d_sae, d_in and d_out
     */
    @Override
    public Footprint footprint() {
        double in = Math.max(0, dIn);
        double sae = Math.max(0, dSae);
        double out = Math.max(0, outWidth());
        double params = in * sae + sae * out + sae + out + (skip ? in * out : 0);
        String reduce = sae >= Math.max(in, out) ? "d_sae" : (in >= out ? "d_in" : "d_out");
        return new Footprint(
                params,
                2 * sae + out,
                1,
                reduce,
                String.format(
                        Locale.ROOT, "fields d_in=%d, d_sae=%d, d_out=%d", dIn, dSae, outWidth()));
    }

    /**
     * @return whether the SAE reads hook_z (..., n_heads, d_head) and reshapes its output back
     */
    @JsonIgnore
    public boolean isHookZ() {
        return HOOK_Z.equals(reshapeActivations);
    }

    @Override
    public SparseCoder toBlock() {
        validate();
        SparseCoder block = registered().build(spec());
        block.setReshapeHookZ(isHookZ());
        return block;
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, dIn);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "sae(%s, d_in=%d, d_sae=%d, d_out=%d%s)",
                architecture,
                dIn,
                dSae,
                outWidth(),
                (k == null ? "" : ", k=" + k)
                        + (groupSizes == null ? "" : ", group_sizes=" + groupSizes)
                        + (isHookZ() ? ", hook_z" : ""));
    }
}
