package ai.mlpzoo.loading.timeseries;

import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.config.PatchTsMixerConfig;
import ai.mlpzoo.loading.CheckpointImporter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --format hf}: a Hugging Face transformers checkpoint folder as {@code save_pretrained}
 * writes it, {@code config.json} and {@code model.safetensors}, dispatched on the config's {@code
 * model_type}. Supported: {@code patchtsmixer} ({@code PatchTSMixerForPrediction}).
 *
 * <p>{@code PretrainedConfig}'s own fields (generation settings, label maps, token ids, ...) say
 * nothing about the architecture and are dropped; any other unknown field is refused, so that a
 * typo or a newer feature is never silently ignored.
 */
public final class HfImporter implements CheckpointImporter {

    /** The format name. */
    public static final String FORMAT = "hf";

    /** A supported model type: its config class and the head class its weights must be. */
    private record Supported(Class<? extends ModelConfig> config, String architecture) {}

    private static final Map<String, Supported> MODEL_TYPES = new LinkedHashMap<>();

    static {
        MODEL_TYPES.put(
                PatchTsMixerConfig.MODEL_TYPE,
                new Supported(PatchTsMixerConfig.class, "PatchTSMixerForPrediction"));
    }

    /** transformers' {@code PretrainedConfig} base fields, none of which shapes the model. */
    private static final Set<String> BASE_FIELDS =
            Set.of(
                    "_name_or_path",
                    "_commit_hash",
                    "_attn_implementation_autoset",
                    "return_dict",
                    "output_hidden_states",
                    "output_attentions",
                    "torchscript",
                    "use_bfloat16",
                    "tf_legacy_loss",
                    "pruned_heads",
                    "tie_word_embeddings",
                    "chunk_size_feed_forward",
                    "is_encoder_decoder",
                    "is_decoder",
                    "cross_attention_hidden_size",
                    "add_cross_attention",
                    "tie_encoder_decoder",
                    "max_length",
                    "min_length",
                    "do_sample",
                    "early_stopping",
                    "num_beams",
                    "num_beam_groups",
                    "diversity_penalty",
                    "temperature",
                    "top_k",
                    "top_p",
                    "typical_p",
                    "repetition_penalty",
                    "length_penalty",
                    "no_repeat_ngram_size",
                    "encoder_no_repeat_ngram_size",
                    "bad_words_ids",
                    "num_return_sequences",
                    "output_scores",
                    "return_dict_in_generate",
                    "forced_bos_token_id",
                    "forced_eos_token_id",
                    "remove_invalid_values",
                    "exponential_decay_length_penalty",
                    "suppress_tokens",
                    "begin_suppress_tokens",
                    "finetuning_task",
                    "id2label",
                    "label2id",
                    "tokenizer_class",
                    "prefix",
                    "bos_token_id",
                    "pad_token_id",
                    "eos_token_id",
                    "sep_token_id",
                    "decoder_start_token_id",
                    "task_specific_params",
                    "problem_type");

    @Override
    public String format() {
        return FORMAT;
    }

    /**
     * Reads the architecture from a checkpoint folder's config.json.
     *
     * @param dir the folder
     * @return the validated config
     * @throws IOException when config.json is missing
     * @throws ai.mlpzoo.config.ConfigException naming the supported model types when the folder
     *     holds another
     */
    public static ModelConfig readConfig(Path dir) throws IOException {
        ObjectNode tree = TimeSeriesCheckpoints.readConfig(dir, FORMAT);
        JsonNode tag = tree.get("model_type");
        Supported supported = tag == null ? null : MODEL_TYPES.get(tag.asText());
        if (supported == null) {
            throw TimeSeriesCheckpoints.refuse(
                    dir,
                    (tag == null
                                    ? "no model_type"
                                    : "model_type '" + tag.asText() + "' is not supported")
                            + "; --format hf imports: "
                            + String.join(", ", MODEL_TYPES.keySet()));
        }
        JsonNode architectures = tree.get("architectures");
        if (architectures != null && architectures.isArray() && architectures.size() > 0) {
            boolean found = false;
            for (JsonNode a : architectures) {
                found |= supported.architecture().equals(a.asText());
            }
            if (!found) {
                throw TimeSeriesCheckpoints.refuse(
                        dir,
                        "architectures "
                                + architectures
                                + ": only "
                                + supported.architecture()
                                + " checkpoints (with a forecasting head) can be imported");
            }
        }
        tree.remove(BASE_FIELDS);
        return Configs.bind(tree, supported.config(), dir.resolve("config.json").toString());
    }

    @Override
    public ModelConfig importCheckpoint(Path dir, Path out) throws IOException {
        ModelConfig config = readConfig(dir);
        ObjectNode meta = TimeSeriesCheckpoints.meta(FORMAT, null);
        meta.put("model_type", config.modelType());
        TimeSeriesCheckpoints.importWeights(dir, config, out, meta);
        return config;
    }
}
