package ai.mlpzoo.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.sae.training.BatchSource;
import java.util.function.Function;

/**
 * Streams activations of a hook point into an {@link ActivationBuffer} and serves training batches
 * from it: whenever half the buffer's capacity has been served since the last refill, the model
 * runs on further input batches (inference mode) until as many new rows have been captured. Only
 * the buffer is held in memory, never the dataset. For a transcoder ({@code pairs}) the rows are
 * the sub-block's (input, output); otherwise its output.
 */
public final class ActivationStream implements BatchSource {

    private final Block model;
    private final String hookPoint;
    private final Function<NDManager, NDArray> inputs;
    private final ActivationBuffer buffer;
    private final boolean pairs;
    private final int batchSize;
    private final NDManager manager;
    private long servedSinceRefill;

    /**
     * Creates the stream.
     *
     * @param model the initialised model
     * @param hookPoint the sub-block to read, such as {@code blocks.3}
     * @param inputs produces the next model input batch in the given manager (images, tokens...)
     * @param buffer the buffer (x only, or x and y for pairs)
     * @param pairs whether to capture (input, output) for a transcoder rather than the output
     * @param batchSize the rows per training batch
     * @param manager the manager under which forward passes run (each in a closed sub-manager)
     */
    public ActivationStream(
            Block model,
            String hookPoint,
            Function<NDManager, NDArray> inputs,
            ActivationBuffer buffer,
            boolean pairs,
            int batchSize,
            NDManager manager) {
        HookPoints.require(model, hookPoint); // fail now on a bad name
        this.model = model;
        this.hookPoint = hookPoint;
        this.inputs = inputs;
        this.buffer = buffer;
        this.pairs = pairs;
        this.batchSize = batchSize;
        this.manager = manager;
    }

    /** Runs the model until {@code rows} new rows have entered the buffer. */
    private void fill(long rows) {
        long added = 0;
        try (Capture c = Capture.install(model, hookPoint)) {
            while (added < rows) {
                try (NDManager m = manager.newSubManager()) {
                    NDArray in = inputs.apply(m);
                    model.forward(new ParameterStore(m, false), new NDList(in), false);
                    NDArray out = c.output();
                    int before = buffer.size();
                    buffer.add(pairs ? c.input() : out, pairs ? out : null);
                    long n =
                            out.getShape().size()
                                    / out.getShape().get(out.getShape().dimension() - 1);
                    added += Math.max(n, buffer.size() - before);
                }
            }
        }
    }

    @Override
    public NDList next(NDManager m) {
        if (buffer.size() < buffer.capacity()) {
            fill(buffer.capacity() - buffer.size());
            servedSinceRefill = 0;
        } else if (servedSinceRefill >= buffer.capacity() / 2) {
            fill(buffer.capacity() / 2);
            servedSinceRefill = 0;
        }
        servedSinceRefill += batchSize;
        return buffer.sample(m, batchSize);
    }
}
