package ai.mlpzoo.blocks.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * sentence-transformers' pooling for all-MiniLM-L6-v2 (Reimers and Gurevych 2019): the mean of the
 * token vectors over the attention mask ({@code Pooling(pooling_mode_mean_tokens=True)}), then L2
 * normalisation ({@code Normalize()}, PyTorch's {@code F.normalize}). One function for both
 * engines: the DJL block applies it, and the ONNX Runtime path applies it to the ONNX file's {@code
 * last_hidden_state} in Java.
 */
public final class SentencePooling {

    private SentencePooling() {}

    /**
     * Mean-pools and normalises.
     *
     * @param hidden the last hidden state, (batch, tokens, hidden)
     * @param attentionMask 1 for real tokens, 0 for padding, (batch, tokens)
     * @return the unit-length sentence embeddings, (batch, hidden)
     */
    public static NDArray meanNormalized(NDArray hidden, NDArray attentionMask) {
        NDArray m = attentionMask.toType(DataType.FLOAT32, false).expandDims(2); // (B, T, 1)
        NDArray sum = hidden.mul(m).sum(new int[] {1}); // (B, H)
        // sentence-transformers clamps the token count at 1e-9: an all-padding row gives 0, not NaN
        NDArray count = Scalars.maximum(m.sum(new int[] {1}), 1e-9f); // (B, 1)
        NDArray mean = sum.div(count); // (B, H)
        // F.normalize: x / max(||x||_2, 1e-12)
        NDArray norm = Scalars.maximum(mean.norm(new int[] {1}, true), 1e-12f); // (B, 1)
        return mean.div(norm); // (B, H)
    }
}
