package ai.mlpzoo.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.analysis.dashboard.DashboardHtml;
import ai.mlpzoo.analysis.dashboard.FeatureDashboard;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.capture.Capture;
import ai.mlpzoo.capture.HookPoints;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.loading.sae.LoadedSae;
import ai.mlpzoo.loading.sae.MlsaeFormat;
import ai.mlpzoo.loading.sae.SaeLensFormat;
import ai.mlpzoo.loading.sae.SparsifyFormat;
import ai.mlpzoo.nlp.MiniLm;
import ai.mlpzoo.nlp.SentenceTokenizer;
import ai.mlpzoo.nlp.TextCorpus;
import ai.mlpzoo.train.ProgressBar;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
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
 * {@code mlpzoo dashboard --sae sae/ --corpus sotu --max-texts 2000 --out dash/}: runs MiniLM over
 * a slice of a corpus, encodes the SAE's hook point with the SAE (a transcoder encodes the hook
 * point's input, an SAE its output) and writes a static feature dashboard ({@link DashboardHtml}):
 * latents by firing frequency, and for the most frequent ones their activation histogram and
 * top-activating texts token by token, as SAELens' and Neuronpedia's dashboards show. Memory is
 * bounded by the dictionary, not the corpus ({@link FeatureDashboard}).
 */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description =
                "Write a static HTML feature dashboard of an SAE or transcoder on MiniLM over a"
                        + " corpus slice.")
final class DashboardCommand implements Callable<Integer> {

    @Option(
            names = "--sae",
            required = true,
            description =
                    "the SAE or transcoder folder (train-sae's output: SAELens, sparsify or mlsae"
                            + " layout)")
    Path sae;

    @Option(
            names = "--hook",
            description =
                    "MiniLM hook point the SAE reads (default: the folder's metadata.hook_name,"
                            + " which train-sae records)")
    String hook;

    @Option(
            names = "--corpus",
            required = true,
            description = "a UTF-8 text file, a folder of .txt files, or 'sotu'")
    String corpus;

    @Option(
            names = "--split",
            defaultValue = "sentences",
            description = "sentences or lines: what one text is (default: ${DEFAULT-VALUE})")
    String split;

    @Option(
            names = "--max-texts",
            defaultValue = "2000",
            description = "texts read from the corpus's start (default: ${DEFAULT-VALUE})")
    int maxTexts;

    @Option(
            names = "--latents",
            defaultValue = "64",
            description =
                    "the most frequent latents that get a section of their own (default:"
                            + " ${DEFAULT-VALUE}; the index lists every latent)")
    int latents;

    @Option(
            names = "--examples",
            defaultValue = "12",
            description = "top-activating texts per latent (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(
            names = "--context",
            defaultValue = "24",
            description =
                    "tokens shown before an example's strongest token (a third as many after;"
                            + " default: ${DEFAULT-VALUE})")
    int context;

    @Option(
            names = "--batch",
            defaultValue = "32",
            description = "texts per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--out", required = true, description = "folder for index.html")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (maxTexts <= 0) {
            throw new IllegalArgumentException("--max-texts must be positive, got " + maxTexts);
        }
        if (latents < 0) {
            throw new IllegalArgumentException("--latents must be >= 0, got " + latents);
        }
        if (examples <= 0) {
            throw new IllegalArgumentException("--examples must be positive, got " + examples);
        }
        if (context < 0) {
            throw new IllegalArgumentException("--context must be >= 0, got " + context);
        }
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        TextCorpus.Split how =
                switch (split) {
                    case "sentences" -> TextCorpus.Split.SENTENCES;
                    case "lines" -> TextCorpus.Split.LINES;
                    default ->
                            throw new IllegalArgumentException(
                                    "--split must be sentences or lines, got " + split);
                };
        DashboardHtml.requireWritable(out); // before the model runs, not after
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedSae loaded = read(manager, sae);
            SaeConfig cfg = loaded.config();
            SparseCoder coder = loaded.block();
            String recorded = recordedHook(cfg);
            String point = hook != null ? hook : recorded;
            if (point == null) {
                throw new IllegalArgumentException(
                        sae
                                + " records no hook point (metadata.hook_name); give --hook, e.g."
                                + " --hook blocks.3.hook_resid_post");
            }
            if (hook != null && recorded != null && !hook.equals(recorded)) {
                System.err.println(
                        "note: "
                                + sae
                                + " was trained on "
                                + recorded
                                + "; reading "
                                + hook
                                + " as --hook says");
            }
            TextCorpus texts =
                    "sotu".equals(corpus) ? TextCorpus.sotu() : TextCorpus.of(Path.of(corpus), how);
            texts.requireText();
            boolean transcoder = cfg.isTranscoderArchitecture();
            FeatureDashboard dash = new FeatureDashboard(cfg.dSae, examples, context, context / 3);
            long start = System.nanoTime();
            long truncated = 0;
            try (SentenceTokenizer tokenizer = SentenceTokenizer.miniLm()) {
                BertEncoder encoder = MiniLm.load(manager);
                HookPoints.require(encoder, point); // lists the hook points when unknown
                ProgressBar bar = new ProgressBar("dashboard " + point, maxTexts);
                try (Stream<String> stream = texts.texts();
                        Capture capture = Capture.install(encoder, point)) {
                    Iterator<String> it = stream.iterator();
                    while (it.hasNext() && dash.texts() < maxTexts) {
                        List<String> chunk = new ArrayList<>(batch);
                        while (it.hasNext()
                                && chunk.size() < batch
                                && dash.texts() + chunk.size() < maxTexts) {
                            chunk.add(it.next());
                        }
                        SentenceTokenizer.Batch b =
                                CaptureCommand.padded(
                                        tokenizer.encode(chunk, false), tokenizer.maxLength());
                        List<String[]> pieces = tokenizer.pieces(chunk);
                        for (boolean t : b.truncated()) {
                            truncated += t ? 1 : 0;
                        }
                        try (NDManager m = manager.newSubManager()) {
                            ParameterStore ps = new ParameterStore(m, false);
                            encoder.forward(ps, b.toNDList(m), false);
                            NDArray hooked = transcoder ? capture.input() : capture.output();
                            int width = CaptureCommand.width(hooked);
                            if (width != cfg.dIn) {
                                throw new IllegalArgumentException(
                                        sae
                                                + ": d_in is "
                                                + cfg.dIn
                                                + " but "
                                                + point
                                                + (transcoder ? "'s input" : "")
                                                + " has width "
                                                + width
                                                + "; give the hook point it was trained on");
                            }
                            float[] rows = CaptureCommand.tokens(hooked, b.lengths());
                            int n = rows.length / width;
                            NDArray x = m.create(rows, new ai.djl.ndarray.types.Shape(n, width));
                            // (n, d_sae): dense latents of every real token of the batch
                            float[] z =
                                    coder.encode(ps, x, false)
                                            .dense()
                                            .toType(DataType.FLOAT32, false)
                                            .toFloatArray();
                            int at = 0;
                            for (int i = 0; i < chunk.size(); i++) {
                                String[] p = pieces.get(i);
                                if (p.length != b.lengths()[i]) {
                                    throw new IllegalStateException(
                                            "text "
                                                    + (dash.texts())
                                                    + ": "
                                                    + p.length
                                                    + " pieces for "
                                                    + b.lengths()[i]
                                                    + " tokens");
                                }
                                dash.addText(p, z, at);
                                at += p.length * cfg.dSae;
                            }
                        }
                        bar.update(
                                dash.texts(),
                                String.format(Locale.ROOT, "%d tokens", dash.tokens()));
                    }
                }
                bar.finish(
                        String.format(
                                Locale.ROOT, "%d texts, %d tokens", dash.texts(), dash.tokens()));
            }
            if (truncated > 0) {
                System.err.println(
                        truncated
                                + " of "
                                + dash.texts()
                                + " texts were longer than 256 tokens and truncated, as"
                                + " sentence-transformers does");
            }
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("SAE", cfg.toString());
            facts.put("model", "all-MiniLM-L6-v2");
            facts.put("hook point", point + (transcoder ? " (input)" : ""));
            facts.put("corpus", texts.name());
            Path page =
                    DashboardHtml.write(
                            out,
                            dash,
                            new DashboardHtml.Info(
                                    sae.toAbsolutePath().normalize().getFileName().toString(),
                                    facts,
                                    latents));
            int alive = 0;
            for (int j = 0; j < cfg.dSae; j++) {
                alive += dash.fired(j) > 0 ? 1 : 0;
            }
            System.out.printf(
                    Locale.ROOT,
                    "dashboard of %d latents (%d fired) over %d texts, %d tokens of %s in %.1f s;"
                            + " wrote %s%n",
                    cfg.dSae,
                    alive,
                    dash.texts(),
                    dash.tokens(),
                    texts.name(),
                    (System.nanoTime() - start) / 1e9,
                    page);
        }
        return 0;
    }

    /** Reads the folder in whichever layout it holds. */
    static LoadedSae read(NDManager manager, Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "--sae " + dir + " is not a folder; give the folder train-sae wrote");
        }
        if (Files.isRegularFile(dir.resolve(SaeLensFormat.WEIGHTS))) {
            return SaeLensFormat.read(manager, dir);
        }
        if (Files.isRegularFile(dir.resolve(SparsifyFormat.WEIGHTS))) {
            return SparsifyFormat.read(manager, dir);
        }
        if (Files.isRegularFile(dir.resolve(MlsaeFormat.WEIGHTS))) {
            return MlsaeFormat.read(manager, dir);
        }
        throw new IllegalArgumentException(
                dir
                        + " holds no SAE: expected cfg.json with "
                        + SaeLensFormat.WEIGHTS
                        + " (SAELens) or "
                        + SparsifyFormat.WEIGHTS
                        + " (sparsify), or config.json with "
                        + MlsaeFormat.WEIGHTS
                        + " (mlsae)");
    }

    /** SAELens' {@code metadata.hook_name}, or null. */
    private static String recordedHook(SaeConfig cfg) {
        JsonNode meta = cfg.metadata;
        if (meta == null || !meta.isObject()) {
            return null;
        }
        JsonNode h = meta.get("hook_name");
        return h != null && h.isTextual() && !h.asText().isEmpty() ? h.asText() : null;
    }
}
