package ai.mlpzoo.blocks.bert;

/**
 * The sizes of a BERT encoder, as Hugging Face's {@code BertConfig} names them.
 *
 * @param vocabSize the word-piece vocabulary ({@code vocab_size})
 * @param hidden the model width ({@code hidden_size})
 * @param layers the number of transformer layers ({@code num_hidden_layers})
 * @param heads the attention heads per layer ({@code num_attention_heads})
 * @param intermediate the MLP's hidden width ({@code intermediate_size})
 * @param maxPositions the longest sequence the position table covers ({@code
 *     max_position_embeddings})
 * @param typeVocabSize the number of token types (segments) ({@code type_vocab_size})
 * @param eps the LayerNorm epsilon ({@code layer_norm_eps}, 1e-12 in BERT)
 */
public record BertConfig(
        int vocabSize,
        int hidden,
        int layers,
        int heads,
        int intermediate,
        int maxPositions,
        int typeVocabSize,
        double eps) {

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public BertConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hidden);
        positive("num_hidden_layers", layers);
        positive("num_attention_heads", heads);
        positive("intermediate_size", intermediate);
        positive("max_position_embeddings", maxPositions);
        positive("type_vocab_size", typeVocabSize);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(
                    "BERT: num_attention_heads ("
                            + heads
                            + ") must divide hidden_size ("
                            + hidden
                            + ")");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("BERT: layer_norm_eps must be > 0, got " + eps);
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("BERT: " + field + " must be > 0, got " + value);
        }
    }

    /**
     * sentence-transformers' all-MiniLM-L6-v2: 6 layers of width 384, 12 heads, MLP 1536.
     *
     * @return its sizes
     */
    public static BertConfig miniLmL6() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12);
    }
}
