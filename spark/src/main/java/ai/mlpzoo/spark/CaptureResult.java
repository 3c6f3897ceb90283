package ai.mlpzoo.spark;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link MlpZooSpark#captureActivations} wrote.
 *
 * @param store the folder of the combined store ({@code train-sae --activations} reads it)
 * @param rows the activation rows (tokens) written
 * @param texts the texts read, bad ones included
 * @param badRows the texts skipped as bad (under {@link OnError#COLUMN}; 0 under FAIL)
 * @param messages the first bad rows' messages (at most 20 per partition)
 * @param stores the per-partition stores combined
 */
public record CaptureResult(
        Path store, long rows, long texts, long badRows, List<String> messages, int stores) {}
