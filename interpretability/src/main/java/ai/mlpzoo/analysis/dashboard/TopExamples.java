package ai.mlpzoo.analysis.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * The k strongest examples of one latent, kept in a bounded min-heap: its root is the weakest
 * example held, so an offer costs one comparison when it cannot enter, and the memory is k examples
 * whatever the length of the corpus. Ties keep the earlier example (lower sequence number), so the
 * result does not depend on the heap's internal order.
 */
public final class TopExamples {

    /**
     * One text a latent fired on: a window of its tokens around the strongest one.
     *
     * @param value the latent's largest activation in the text
     * @param seq the text's number in the corpus (0-based)
     * @param pieces the window's tokens as they appear in the text
     * @param acts the latent's activation at each token of the window
     * @param maxAt the position of the strongest token within the window
     * @param cutStart whether the text goes on before the window
     * @param cutEnd whether the text goes on after the window
     */
    public record Example(
            float value,
            long seq,
            String[] pieces,
            float[] acts,
            int maxAt,
            boolean cutStart,
            boolean cutEnd) {}

    /** Weakest first: lower value, then later text. */
    private static final Comparator<Example> WEAKEST_FIRST =
            Comparator.comparingDouble(Example::value)
                    .thenComparing(Comparator.comparingLong(Example::seq).reversed());

    private final int k;
    private final PriorityQueue<Example> heap;

    /**
     * An empty heap.
     *
     * @param k how many examples to keep, at least 1
     */
    public TopExamples(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("examples per latent must be >= 1, got " + k);
        }
        this.k = k;
        this.heap = new PriorityQueue<>(k + 1, WEAKEST_FIRST);
    }

    /**
     * Whether an example of this value from a text later than all held ones would be kept.
     *
     * @param value its activation
     * @return true when the heap has room or the value beats the weakest held
     */
    public boolean accepts(float value) {
        return heap.size() < k || value > heap.peek().value();
    }

    /**
     * Offers an example, built only when it is kept (copying a window costs more than the test).
     *
     * @param value its activation
     * @param example builds the example
     * @return whether it was kept
     */
    public boolean offer(float value, Supplier<Example> example) {
        if (!accepts(value)) {
            return false;
        }
        heap.add(example.get());
        if (heap.size() > k) {
            heap.poll();
        }
        return true;
    }

    /**
     * @return the examples held, strongest first (ties: earlier text first)
     */
    public List<Example> sorted() {
        List<Example> out = new ArrayList<>(heap);
        out.sort(WEAKEST_FIRST.reversed());
        return out;
    }

    /**
     * @return the number of examples held
     */
    public int size() {
        return heap.size();
    }
}
