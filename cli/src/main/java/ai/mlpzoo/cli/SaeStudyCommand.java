package ai.mlpzoo.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.analysis.studies.HookZHeadsStudy;
import ai.mlpzoo.analysis.studies.MatryoshkaStudy;
import ai.mlpzoo.analysis.studies.MultiLayerStudy;
import ai.mlpzoo.analysis.studies.StudyConfig;
import ai.mlpzoo.analysis.studies.StudyTable;
import ai.mlpzoo.analysis.studies.TranscoderSpliceStudy;
import ai.mlpzoo.nlp.TextCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlpzoo sae-study mlsae|matryoshka|transcoder-splice|hookz-heads --corpus sotu --out dir}:
 * one of the four SAE result studies of issue 16 on MiniLM ({@code ai.mlpzoo.analysis.studies}),
 * its table printed as markdown and written as {@code <study>.csv} and {@code <study>.md}. The
 * first {@code --max-texts} texts of the corpus train, the next {@code --held-out-texts} measure.
 */
@Command(
        name = "sae-study",
        mixinStandardHelpOptions = true,
        description =
                "Run one of the SAE result studies on MiniLM and print its table: mlsae (per-layer"
                        + " TopK against one multi-layer SAE), matryoshka (Matryoshka against"
                        + " BatchTopK by prefix), transcoder-splice (transcoders in place of the"
                        + " MLPs), hookz-heads (an attention-output SAE's features by head).")
final class SaeStudyCommand implements Callable<Integer> {

    static final List<String> STUDIES =
            List.of("mlsae", "matryoshka", "transcoder-splice", "hookz-heads");

    @Parameters(index = "0", description = "mlsae, matryoshka, transcoder-splice or hookz-heads")
    String study;

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
            description = "training texts, the corpus's first (default: ${DEFAULT-VALUE})")
    int maxTexts;

    @Option(
            names = "--held-out-texts",
            defaultValue = "200",
            description = "held-out texts, the next ones (default: ${DEFAULT-VALUE})")
    int heldOutTexts;

    @Option(
            names = "--max-rows",
            defaultValue = "40000",
            description =
                    "token rows kept per hook point for training; bounds the memory (default:"
                            + " ${DEFAULT-VALUE})")
    int maxRows;

    @Option(
            names = "--eval-rows",
            defaultValue = "4096",
            description = "held-out token rows per hook point (default: ${DEFAULT-VALUE})")
    int evalRows;

    @Option(names = "--steps", defaultValue = "300", description = "training steps per SAE")
    int steps;

    @Option(names = "--batch", defaultValue = "1024", description = "rows per training step")
    int batch;

    @Option(names = "--d-sae", defaultValue = "1536", description = "dictionary size")
    int dSae;

    @Option(names = "--k", defaultValue = "32", description = "active latents (TopK family)")
    int k;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate")
    float lr;

    @Option(names = "--seed", defaultValue = "0", description = "random seed")
    long seed;

    @Option(
            names = "--hook",
            defaultValue = "blocks.3.hook_resid_post",
            description = "matryoshka: the hook point (default: ${DEFAULT-VALUE})")
    String hook;

    @Option(
            names = "--group-sizes",
            split = ",",
            description =
                    "matryoshka: group sizes summing to --d-sae (default d/16,d/16,d/8,d/4,d/2)")
    List<Integer> groupSizes;

    @Option(
            names = "--layers",
            split = ",",
            description = "transcoder-splice: the layers whose MLP gets a transcoder (default all)")
    List<Integer> layers;

    @Option(
            names = "--l1",
            defaultValue = "0.05",
            description = "transcoder-splice: the L1 coefficient (default: ${DEFAULT-VALUE})")
    float l1;

    @Option(
            names = "--layer",
            defaultValue = "3",
            description = "hookz-heads: the layer (default: ${DEFAULT-VALUE})")
    int layer;

    @Option(
            names = "--features",
            defaultValue = "10",
            description =
                    "hookz-heads: the most frequent features listed (default: ${DEFAULT-VALUE})")
    int features;

    @Option(names = "--out", required = true, description = "folder for <study>.csv and .md")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!STUDIES.contains(study)) {
            throw new IllegalArgumentException(
                    "no study '" + study + "'; the studies are " + String.join(", ", STUDIES));
        }
        if (maxTexts <= 0 || heldOutTexts <= 0) {
            throw new IllegalArgumentException(
                    "--max-texts and --held-out-texts must be positive, got "
                            + maxTexts
                            + " and "
                            + heldOutTexts);
        }
        StudyConfig cfg =
                new StudyConfig(dSae, k, steps, batch, lr, maxRows, evalRows, 32, seed, System.err);
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
        texts.requireText();
        List<String> all = new ArrayList<>();
        try (Stream<String> s = texts.texts()) {
            Iterator<String> it = s.iterator();
            while (it.hasNext() && all.size() < maxTexts + heldOutTexts) {
                all.add(it.next());
            }
        }
        if (all.size() < 2) {
            throw new IllegalArgumentException(
                    "corpus "
                            + texts.name()
                            + " gave "
                            + all.size()
                            + " text(s); a study needs at"
                            + " least 2 (one to train on, one held out)");
        }
        // the first texts train; the rest (at least one) are held out
        int cut = Math.min(maxTexts, all.size() - Math.min(heldOutTexts, all.size() / 2));
        List<String> train = all.subList(0, cut);
        List<String> held = all.subList(cut, all.size());
        Engine.getInstance().setRandomSeed((int) seed);
        long start = System.nanoTime();
        StudyTable table;
        try (NDManager manager = NDManager.newBaseManager();
                MiniLmTextModel model = new MiniLmTextModel(manager)) {
            table = run(study, model, train, held, cfg);
            if (model.truncated() > 0) {
                System.err.printf(
                        Locale.ROOT,
                        "%d texts were longer than %d tokens and truncated, as sentence-transformers"
                                + " does%n",
                        model.truncated(),
                        model.maxLength());
            }
        }
        table.write(out, study);
        System.out.println("## " + table.title() + "\n");
        System.out.println(table.toMarkdown());
        System.out.printf(
                Locale.ROOT,
                "%s on %s (%d training, %d held-out texts) in %.1f min; wrote %s%n",
                study,
                texts.name(),
                train.size(),
                held.size(),
                (System.nanoTime() - start) / 60e9,
                out.resolve(study + ".csv"));
        return 0;
    }

    private StudyTable run(
            String name,
            MiniLmTextModel model,
            List<String> train,
            List<String> held,
            StudyConfig cfg) {
        return switch (name) {
            case "mlsae" -> MultiLayerStudy.run(model, train, held, cfg);
            case "matryoshka" -> MatryoshkaStudy.run(model, hook, groupSizes, train, held, cfg);
            case "transcoder-splice" ->
                    TranscoderSpliceStudy.run(
                            model,
                            layers == null ? List.of(0, 1, 2, 3, 4, 5) : layers,
                            l1,
                            train,
                            held,
                            cfg);
            case "hookz-heads" -> HookZHeadsStudy.run(model, layer, 12, features, train, held, cfg);
            default -> throw new IllegalStateException(name);
        };
    }
}
