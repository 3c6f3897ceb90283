package ai.mlpzoo.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.capture.ActivationStoreWriter;
import ai.mlpzoo.capture.Capture;
import ai.mlpzoo.capture.HookPoints;
import ai.mlpzoo.nlp.MiniLm;
import ai.mlpzoo.nlp.SentenceTokenizer;
import ai.mlpzoo.nlp.TextCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlpzoo capture --hook blocks.3.hook_resid_post --corpus sotu --out acts/}: runs the zoo's
 * MiniLM over an English corpus and streams one hook point's activations, a row per real token
 * (padding dropped), into a folder of safetensors shards ({@link ActivationStoreWriter}) that
 * {@code mlpzoo train-sae --activations acts/} reads back shuffled. Memory stays flat: one batch of
 * texts and one shard are held at a time.
 */
@Command(
        name = "capture",
        mixinStandardHelpOptions = true,
        description =
                "Capture a hook point's activations of MiniLM over an English corpus into a folder"
                        + " of safetensors shards, for train-sae.")
final class CaptureCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            defaultValue = "minilm",
            description = "the transformer: minilm (all-MiniLM-L6-v2; default)")
    String model;

    @Option(
            names = "--hook",
            required = true,
            description =
                    "hook point, e.g. blocks.3.hook_resid_post, blocks.3.hook_resid_pre,"
                            + " blocks.3.mlp, blocks.3.attention.hook_z")
    String hook;

    @Option(
            names = "--corpus",
            required = true,
            description =
                    "a UTF-8 text file, a folder of .txt files, or 'sotu' (the State of the Union"
                            + " addresses .ci/run installs)")
    String corpus;

    @Option(
            names = "--split",
            defaultValue = "sentences",
            description = "sentences or lines: what one text is (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--out", required = true, description = "folder for the shards")
    Path out;

    @Option(
            names = "--max-rows",
            defaultValue = "0",
            description = "stop after this many rows (tokens), 0 for the whole corpus")
    long maxRows;

    @Option(
            names = "--rows-per-shard",
            defaultValue = "16384",
            description = "rows per shard file (default: ${DEFAULT-VALUE})")
    int rowsPerShard;

    @Option(
            names = "--batch",
            defaultValue = "32",
            description = "texts per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--pairs",
            description =
                    "store the hook point's input as x and its output as y (a transcoder's data;"
                            + " e.g. on blocks.i.mlp)")
    boolean pairs;

    @Option(
            names = "--memory-log-every",
            defaultValue = "0",
            description = "print rows, speed and resident memory every N batches, 0 for never")
    int memoryLogEvery;

    @Override
    public Integer call() throws Exception {
        if (!"minilm".equals(model)) {
            throw new IllegalArgumentException(
                    "--model " + model + " is not a transformer of the zoo; use minilm");
        }
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        if (maxRows < 0) {
            throw new IllegalArgumentException("--max-rows must be >= 0, got " + maxRows);
        }
        if (rowsPerShard <= 0) {
            throw new IllegalArgumentException(
                    "--rows-per-shard must be positive, got " + rowsPerShard);
        }
        TextCorpus.Split how =
                switch (split) {
                    case "sentences" -> TextCorpus.Split.SENTENCES;
                    case "lines" -> TextCorpus.Split.LINES;
                    default ->
                            throw new IllegalArgumentException(
                                    "--split must be sentences or lines, got " + split);
                };
        TextCorpus texts =
                "sotu".equals(corpus) ? TextCorpus.sotu() : TextCorpus.of(Path.of(corpus), how);
        texts.requireText(); // an empty corpus is refused before the model loads
        try (NDManager manager = NDManager.newBaseManager();
                SentenceTokenizer tokenizer = SentenceTokenizer.miniLm()) {
            BertEncoder encoder = MiniLm.load(manager);
            HookPoints.require(encoder, hook); // lists the hook points when the name is unknown
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("model", "all-MiniLM-L6-v2");
            meta.put("corpus", texts.name());
            meta.put("split", split);
            meta.put("max_length", Integer.toString(tokenizer.maxLength()));
            meta.put("engine", Engine.getInstance().getEngineName());
            Stats stats = new Stats();
            ActivationStoreWriter writer = null;
            long start = System.nanoTime();
            try (Stream<String> stream = texts.texts();
                    Capture capture = Capture.install(encoder, hook)) {
                Iterator<String> it = stream.iterator();
                while (it.hasNext() && (maxRows == 0 || stats.rows < maxRows)) {
                    List<String> chunk = new ArrayList<>(batch);
                    while (it.hasNext() && chunk.size() < batch) {
                        chunk.add(it.next());
                    }
                    SentenceTokenizer.Batch b =
                            padded(tokenizer.encode(chunk, false), tokenizer.maxLength());
                    try (NDManager m = manager.newSubManager()) {
                        encoder.forward(new ParameterStore(m, false), b.toNDList(m), false);
                        NDArray x = capture.input();
                        NDArray y = capture.output();
                        float[] xs = tokens(pairs ? x : y, b.lengths());
                        float[] ys = pairs ? tokens(y, b.lengths()) : null;
                        int width = width(pairs ? x : y);
                        if (writer == null) {
                            writer =
                                    new ActivationStoreWriter(
                                            out,
                                            hook,
                                            width,
                                            pairs ? width(y) : 0,
                                            rowsPerShard,
                                            meta);
                        }
                        int n = xs.length / width;
                        if (maxRows > 0 && stats.rows + n > maxRows) {
                            n = (int) (maxRows - stats.rows); // the last batch cut to --max-rows
                            xs = java.util.Arrays.copyOf(xs, n * width);
                            ys = ys == null ? null : java.util.Arrays.copyOf(ys, n * width(y));
                        }
                        writer.add(xs, ys, n);
                        stats.add(b, chunk, n);
                    }
                    if (memoryLogEvery > 0 && stats.batches % memoryLogEvery == 0) {
                        System.err.println(progress(stats, start));
                    }
                }
            } finally {
                if (writer != null) {
                    writer.close();
                }
            }
            if (stats.truncated > 0) {
                // said once for the corpus rather than once per text
                System.err.printf(
                        Locale.ROOT,
                        "%d of %d texts were longer than %d tokens and truncated to %d, as"
                                + " sentence-transformers does (the first: \"%s...\")%n",
                        stats.truncated,
                        stats.texts,
                        tokenizer.maxLength(),
                        tokenizer.maxLength(),
                        stats.firstTruncated);
            }
            System.out.println(
                    "captured "
                            + stats.rows
                            + " rows of "
                            + hook
                            + " from "
                            + stats.texts
                            + " texts of "
                            + texts.name()
                            + " in "
                            + seconds(start)
                            + " s; wrote "
                            + out);
        }
        return 0;
    }

    /** Counts of a capture. */
    private static final class Stats {
        long rows;
        long texts;
        long batches;
        long truncated;
        String firstTruncated;

        void add(SentenceTokenizer.Batch b, List<String> chunk, int n) {
            rows += n;
            texts += chunk.size();
            batches++;
            for (int i = 0; i < chunk.size(); i++) {
                if (b.truncated()[i]) {
                    if (truncated++ == 0) {
                        String t = chunk.get(i);
                        firstTruncated = t.substring(0, Math.min(60, t.length()));
                    }
                }
            }
        }
    }

    /** Shapes padded to a multiple of this many tokens. */
    static final int PAD_TO = 32;

    /**
     * The batch padded to a multiple of {@value #PAD_TO} tokens (at most the maximum length): the
     * masked padding changes no real token's value (tested), and the engine then sees 8 sequence
     * lengths rather than up to 256, each of which its CPU kernels would otherwise plan and cache
     * separately (the resident memory grew with every new length).
     */
    static SentenceTokenizer.Batch padded(SentenceTokenizer.Batch b, int maxLength) {
        int t = b.tokens();
        int to = Math.min(maxLength, (t + PAD_TO - 1) / PAD_TO * PAD_TO);
        if (to <= t) {
            return b;
        }
        return new SentenceTokenizer.Batch(
                pad(b.ids(), to),
                pad(b.attentionMask(), to),
                pad(b.typeIds(), to),
                b.lengths(),
                b.truncated());
    }

    private static long[][] pad(long[][] a, int to) {
        long[][] out = new long[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = java.util.Arrays.copyOf(a[i], to); // [PAD] is id 0, mask 0, type 0
        }
        return out;
    }

    private static String progress(Stats s, long start) {
        double secs = (System.nanoTime() - start) / 1e9;
        return String.format(
                Locale.ROOT,
                "batch %d: %d rows from %d texts, %.0f rows/s, %s",
                s.batches,
                s.rows,
                s.texts,
                s.rows / Math.max(secs, 1e-9),
                ResidentMemory.describe());
    }

    private static String seconds(long start) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9);
    }

    /** The width of a row: every axis after (batch, tokens) flattened (hook_z's heads x d_head). */
    static int width(NDArray a) {
        Shape s = a.getShape();
        return (int) (s.size() / (s.get(0) * s.get(1)));
    }

    /** The rows of the real tokens of each text, padding dropped: (sum of lengths) x width. */
    static float[] tokens(NDArray a, int[] lengths) {
        Shape s = a.getShape(); // (batch, tokens, ...)
        int tokens = (int) s.get(1);
        int width = width(a);
        float[] all = a.toType(DataType.FLOAT32, false).toFloatArray();
        int total = 0;
        for (int len : lengths) {
            total += len;
        }
        float[] out = new float[total * width];
        int at = 0;
        for (int i = 0; i < lengths.length; i++) {
            System.arraycopy(all, i * tokens * width, out, at, lengths[i] * width);
            at += lengths[i] * width;
        }
        return out;
    }
}
