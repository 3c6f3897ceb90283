package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.sae.BatchTopKSae;
import ai.mlpzoo.blocks.sae.GatedSae;
import ai.mlpzoo.blocks.sae.JumpReLUSae;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.StandardSae;
import ai.mlpzoo.blocks.sae.TopKSae;
import ai.mlpzoo.blocks.sae.Transcoder;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;

/**
 * A sparse autoencoder or transcoder (blocks in {@code ai.mlpzoo.blocks.sae}). Field names follow
 * SAELens' {@code cfg.json} (d_in, d_sae, d_out, k, apply_b_dec_to_input, architecture) so that
 * the checkpoint readers map one to one. {@code metadata} carries SAELens' metadata (hook names,
 * model name) through a round trip unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SaeConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "sae";

    /** The architectures, by SAELens name (batchtopk saves to SAELens as jumprelu). */
    public static final List<String> ARCHITECTURES =
            List.of("standard", "topk", "batchtopk", "jumprelu", "gated", "transcoder", "skip_transcoder");

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

    /** Active latents per row for topk and batchtopk. */
    @JsonProperty("k")
    public Integer k;

    /** Whether b_dec is subtracted from the input; forced false for transcoders. */
    @JsonProperty("apply_b_dec_to_input")
    public boolean applyBDecToInput = true;

    /** Whether a skip connection W_skip exists (implied by skip_transcoder). */
    @JsonProperty("skip")
    public boolean skip;

    /** The source library's metadata (hook names, model), kept for a round trip. */
    @JsonProperty("metadata")
    public JsonNode metadata;

    /** @return the output width */
    public int outWidth() {
        return dOut == null ? dIn : dOut;
    }

    /** @return whether the architecture is a transcoder's */
    @JsonIgnore
    public boolean isTranscoderArchitecture() {
        return "transcoder".equals(architecture) || "skip_transcoder".equals(architecture);
    }

    /** @return the block's sizes */
    public SaeDims dims() {
        boolean hasSkip = skip || "skip_transcoder".equals(architecture);
        boolean subtract = applyBDecToInput && !isTranscoderArchitecture();
        return new SaeDims(dIn, dSae, outWidth(), subtract, hasSkip);
    }

    @Override
    public SaeConfig validate() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException("field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        if (architecture == null || !ARCHITECTURES.contains(architecture)) {
            throw new ConfigException(
                    "unknown SAE architecture '" + architecture + "' in field 'architecture'; known: "
                            + String.join(", ", ARCHITECTURES));
        }
        positive(dIn, "d_in");
        positive(dSae, "d_sae");
        if (dOut != null) {
            positive(dOut, "d_out");
        }
        boolean needsK = "topk".equals(architecture) || "batchtopk".equals(architecture);
        if (needsK) {
            if (k == null) {
                throw new ConfigException("field 'k' is required for architecture " + architecture);
            }
            positive(k, "k");
            if (k > dSae) {
                throw new ConfigException(
                        "field 'k' (" + k + ") is larger than the dictionary size d_sae (" + dSae + ")");
            }
        }
        if (applyBDecToInput && !isTranscoderArchitecture() && outWidth() != dIn) {
            throw new ConfigException(
                    "field 'apply_b_dec_to_input' needs d_out == d_in, got d_in " + dIn + ", d_out " + outWidth());
        }
        return this;
    }

    @Override
    public SparseCoder toBlock() {
        validate();
        SaeDims dims = dims();
        switch (architecture) {
            case "topk":
                return new TopKSae(dims, k);
            case "batchtopk":
                return new BatchTopKSae(dims, k);
            case "jumprelu":
                return new JumpReLUSae(dims);
            case "gated":
                return new GatedSae(dims);
            case "transcoder":
            case "skip_transcoder":
                return new Transcoder(dIn, dSae, outWidth(), dims.skip());
            default:
                return new StandardSae(dims);
        }
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, dIn);
    }

    private static void positive(int value, String field) {
        ConfigException.fromBuilder(() -> Checks.positive(value, field));
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
                k == null ? "" : ", k=" + k);
    }
}
