package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.mlpzoo.analysis.studies.HookZHeadsStudy;
import ai.mlpzoo.analysis.studies.MatryoshkaStudy;
import ai.mlpzoo.analysis.studies.StudyConfig;
import ai.mlpzoo.analysis.studies.StudyTable;
import ai.mlpzoo.analysis.studies.TranscoderSpliceStudy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four SAE studies on MiniLM at a tiny scale (a handful of sentences, a few dozen steps): each
 * table's shape and the properties its figures must have whatever the scale (FVU finite and in [0,
 * 1.5], L0 at most k, Matryoshka FVU not rising as more latents are kept, zero-ablating an MLP
 * changes the sentence embeddings, per-head shares summing to 1), and bad names refused.
 */
class SaeStudyCommandTest {

    @TempDir Path tmp;

    static final List<String> TEXTS =
            List.of(
                    "The abundant fruits of another year have blessed our country with plenty.",
                    "I know some of you are antsy to get back to Iowa.",
                    "The progress of public credit is witnessed by a considerable rise of American"
                            + " stock abroad as well as at home.",
                    "Our Union is strong, and the state of the nation is sound.",
                    "We must invest in roads, bridges and schools for our children.",
                    "The treaty with the Indian tribes was ratified by the Senate last spring.",
                    "Congress should reduce the tariff on wool and iron this session.",
                    "Our soldiers and sailors have served with honor on land and at sea.",
                    "The census shows that the population has nearly doubled in twenty years.",
                    "Banks failed, farms were lost, and families went hungry that winter.",
                    "I ask you tonight to pass this bill without delay.",
                    "Peace, commerce, and honest friendship with all nations.",
                    "The army stands ready to defend the frontier against any invasion.",
                    "Medical care for the elderly is a promise we have to keep.",
                    "Thank you, and God bless the United States of America.",
                    "The revenue of the post office exceeded its expenses for the first time.");

    static final List<String> TRAIN = TEXTS.subList(0, 12);
    static final List<String> HELD = TEXTS.subList(12, 16);

    static NDManager manager;
    static MiniLmTextModel model;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        model = new MiniLmTextModel(manager);
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    /** 64 latents, k 8, 40 steps of 64 rows: seconds, not minutes. */
    static StudyConfig tiny() {
        return new StudyConfig(64, 8, 40, 64, 2e-3f, 2000, 500, 8, 0, null);
    }

    static void assertFvu(double fvu, String what) {
        assertTrue(Double.isFinite(fvu) && fvu >= 0 && fvu <= 1.5, what + ": FVU " + fvu);
    }

    @Test
    void mlsaeStudyPrintsAndWritesARowPerLayer() throws Exception {
        Path corpus = tmp.resolve("corpus.txt");
        Files.writeString(corpus, String.join("\n", TEXTS) + "\n");
        Path out = tmp.resolve("out");
        assertEquals(
                0,
                MlpZooCli.run(
                        "sae-study",
                        "mlsae",
                        "--corpus",
                        corpus.toString(),
                        "--split",
                        "lines",
                        "--max-texts",
                        "12",
                        "--held-out-texts",
                        "4",
                        "--d-sae",
                        "64",
                        "--k",
                        "8",
                        "--steps",
                        "30",
                        "--batch",
                        "64",
                        "--lr",
                        "2e-3",
                        "--out",
                        out.toString()));
        List<String> csv = Files.readAllLines(out.resolve("mlsae.csv"));
        // header, six layers, the mean
        assertEquals(8, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(0).startsWith("layer,TopK FVU,TopK L0,TopK dead,MLSAE FVU"), csv.get(0));
        for (int i = 1; i <= 6; i++) {
            String[] cells = csv.get(i).split(",");
            assertEquals(Integer.toString(i - 1), cells[0]);
            assertFvu(Double.parseDouble(cells[1]), "TopK layer " + cells[0]);
            assertFvu(Double.parseDouble(cells[4]), "MLSAE layer " + cells[0]);
            // a TopK SAE keeps at most k latents per row
            assertTrue(Double.parseDouble(cells[2]) <= 8 + 1e-9, csv.get(i));
            assertTrue(Double.parseDouble(cells[5]) <= 8 + 1e-9, csv.get(i));
            for (int c : new int[] {3, 6, 7}) {
                double share = Double.parseDouble(cells[c]);
                assertTrue(share >= 0 && share <= 1, "column " + c + " of " + csv.get(i));
            }
        }
        String md = Files.readString(out.resolve("mlsae.md"));
        assertTrue(md.contains("| layer | TopK FVU |"));
        // the per-token measure: between one layer and all six for each (token, latent) pair
        java.util.regex.Matcher perToken =
                java.util.regex.Pattern.compile("is active at ([0-9.]+) of the 6 layers")
                        .matcher(md);
        assertTrue(perToken.find(), md);
        double layersPerToken = Double.parseDouble(perToken.group(1));
        assertTrue(layersPerToken >= 1 && layersPerToken <= 6, md);
    }

    @Test
    void matryoshkaFvuDoesNotRiseAsMoreLatentsAreKept() {
        StudyTable t =
                MatryoshkaStudy.run(
                        model,
                        "blocks.3.hook_resid_post",
                        List.of(8, 8, 16, 32),
                        TRAIN,
                        HELD,
                        tiny());
        assertEquals(4, t.size());
        assertEquals(
                List.of("8", "16", "32", "64"),
                List.of(t.label(0), t.label(1), t.label(2), t.label(3)));
        for (int i = 0; i < t.size(); i++) {
            assertFvu(t.value(i, "Matryoshka FVU"), "Matryoshka m=" + t.label(i));
            assertFvu(t.value(i, "BatchTopK FVU"), "BatchTopK m=" + t.label(i));
            if (i > 0) {
                assertTrue(
                        t.value(i, "Matryoshka FVU") <= t.value(i - 1, "Matryoshka FVU") + 1e-6,
                        t.toMarkdown());
            }
        }
        // with every latent kept, the prefix evaluation is the SAE's own
        assertTrue(t.value(3, "Matryoshka FVU") < 1, t.toMarkdown());
    }

    @Test
    void groupsThatDoNotSumToTheWidthAreRefusedBeforeTheModelRuns() {
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                MatryoshkaStudy.run(
                                        model,
                                        "blocks.3.hook_resid_post",
                                        List.of(8, 8),
                                        TRAIN,
                                        HELD,
                                        tiny()));
        assertTrue(
                e.getMessage().contains("[8, 8]") && e.getMessage().contains("64"), e.getMessage());
        assertEquals(List.of(4, 4, 8, 16, 32), MatryoshkaStudy.defaultGroups(64));
    }

    @Test
    void zeroAblatingAnMlpMovesTheEmbeddingsAndATranscoderIsMeasuredAgainstIt() {
        float[][] before = embed();
        StudyTable t = TranscoderSpliceStudy.run(model, List.of(0, 5), 0.05f, TRAIN, HELD, tiny());
        assertEquals(2, t.size());
        assertEquals("blocks.0.mlp", t.label(0));
        assertEquals("blocks.5.mlp", t.label(1));
        for (int i = 0; i < t.size(); i++) {
            double zero = t.value(i, "cos zero-ablated");
            double spliced = t.value(i, "cos spliced");
            assertTrue(zero < 0.999 && zero > -1, t.toMarkdown());
            assertTrue(spliced <= 1 + 1e-6 && spliced > -1, t.toMarkdown());
            assertTrue(Double.isFinite(t.value(i, "transcoder FVU")), t.toMarkdown());
            assertEquals((spliced - zero) / (1 - zero), t.value(i, "recovered"), 1e-3);
        }
        // the splice is undone: the model's embeddings are the clean ones again
        assertEquals(1.0, cosine(before, embed()), 1e-6);
    }

    private static float[][] embed() {
        try (NDManager m = manager.newSubManager()) {
            return new float[][] {embedding(HELD.get(0), m)};
        }
    }

    private static float[] embedding(String text, NDManager m) {
        ai.mlpzoo.analysis.studies.TextModel.Tokens tk = model.tokenize(List.of(text), m);
        return model.sentenceEmbedding(
                        model.block()
                                .forward(
                                        new ai.djl.training.ParameterStore(m, false),
                                        tk.inputs(),
                                        false))
                .toFloatArray();
    }

    private static double cosine(float[][] a, float[][] b) {
        double dot = 0;
        for (int j = 0; j < a[0].length; j++) {
            dot += a[0][j] * (double) b[0][j];
        }
        return dot; // unit vectors
    }

    @Test
    void hookZFeaturesSplitAcrossTwelveHeadsWithSharesSummingToOne() {
        StudyTable t = HookZHeadsStudy.run(model, 2, 12, 5, TRAIN, HELD, tiny());
        assertEquals(5, t.size());
        assertEquals(1 + 8 + 12, t.header().size());
        double lastFrequency = 1;
        for (int i = 0; i < t.size(); i++) {
            double sum = 0;
            for (int h = 0; h < 12; h++) {
                double s = t.value(i, "head " + h);
                assertTrue(s >= 0 && s <= 1, t.toMarkdown());
                sum += s;
            }
            assertEquals(1.0, sum, 1e-3, t.toMarkdown()); // cells are rounded to 4 digits
            assertTrue(t.value(i, "share") >= 1.0 / 12 - 1e-4, t.toMarkdown());
            assertTrue(t.value(i, "share") >= t.value(i, "share 2"), t.toMarkdown());
            double f = t.value(i, "frequency");
            assertTrue(
                    f >= 0 && f <= lastFrequency + 1e-9, "most frequent first: " + t.toMarkdown());
            lastFrequency = f;
        }
        double[] s = HookZHeadsStudy.headShares(new float[] {3, 4, 0, 0, 0, 5}, 3);
        assertEquals(0.5, s[0], 1e-12); // norms 5, 0, 5
        assertEquals(0.0, s[1], 1e-12);
        assertEquals(0.5, s[2], 1e-12);
    }

    @Test
    void badNamesAreRefusedWithTheHookPointsListed() throws Exception {
        Path corpus = tmp.resolve("corpus.txt");
        Files.writeString(corpus, String.join("\n", TEXTS) + "\n");
        assertCliError(
                "no hook point 'blocks.9.attention.hook_z'; the model has: blocks.0.mlp, blocks.1.mlp",
                "sae-study",
                "hookz-heads",
                "--layer",
                "9",
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("o").toString());
        assertCliError(
                "no hook point 'blocks.3.resid'; the model has:",
                "sae-study",
                "matryoshka",
                "--hook",
                "blocks.3.resid",
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("o").toString());
        assertCliError(
                "no study 'sae'; the studies are mlsae, matryoshka, transcoder-splice, hookz-heads",
                "sae-study",
                "sae",
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("o").toString());
    }
}
