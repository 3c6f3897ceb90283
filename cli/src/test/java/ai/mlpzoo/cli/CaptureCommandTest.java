package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.capture.ActivationStore;
import ai.mlpzoo.capture.Capture;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.nlp.MiniLm;
import ai.mlpzoo.nlp.SentenceTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlpzoo capture} on MiniLM: the shards hold exactly the hook point's values at every real
 * token, {@code train-sae} trains from the shard folder, and each bad input (an unknown hook, an
 * empty corpus, texts past the maximum length) is answered with a message.
 */
class CaptureCommandTest {

    @TempDir Path tmp;

    private static final List<String> SENTENCES =
            List.of(
                    "The abundant fruits of another year have blessed our country with plenty.",
                    "Thank you.",
                    "I know some of you are antsy to get back to Iowa.",
                    "The progress of public credit is witnessed by a considerable rise of American"
                            + " stock abroad as well as at home.",
                    "God bless you all.");

    @Test
    void theShardsHoldTheHookPointAtEveryRealTokenAndTrainSaeReadsThem() throws Exception {
        Path corpus = tmp.resolve("corpus.txt");
        // two sentences on one line: split into sentences by default
        Files.writeString(
                corpus,
                SENTENCES.get(0)
                        + " "
                        + SENTENCES.get(1)
                        + "\n\n"
                        + String.join("\n", SENTENCES.subList(2, 5))
                        + "\n");
        Path acts = tmp.resolve("acts");
        String hook = "blocks.3.hook_resid_post";
        assertEquals(
                0,
                MlpZooCli.run(
                        "capture",
                        "--hook",
                        hook,
                        "--corpus",
                        corpus.toString(),
                        "--out",
                        acts.toString(),
                        "--batch",
                        "2",
                        "--rows-per-shard",
                        "16"));
        ActivationStore store = ActivationStore.open(acts);
        assertEquals(hook, store.hook());
        assertEquals(384, store.dIn());
        assertEquals(0, store.dOut());
        store.verify();

        // the reference: each sentence alone (no padding), the hook point read by a capture
        float[] expected;
        int rows = 0;
        try (NDManager m = NDManager.newBaseManager();
                SentenceTokenizer tokenizer = SentenceTokenizer.miniLm()) {
            BertEncoder encoder = MiniLm.load(m);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            List<float[]> parts = new java.util.ArrayList<>();
            try (Capture c = Capture.install(encoder, hook)) {
                for (String s : SENTENCES) {
                    SentenceTokenizer.Batch b = tokenizer.encode(List.of(s));
                    encoder.forward(new ParameterStore(m, false), b.toNDList(m), false);
                    parts.add(c.output().toFloatArray()); // (1, tokens, 384)
                    rows += b.lengths()[0];
                }
            }
            expected = new float[rows * 384];
            int at = 0;
            for (float[] p : parts) {
                System.arraycopy(p, 0, expected, at, p.length);
                at += p.length;
            }
            assertEquals(rows, store.rows(), "one row per real token, padding dropped");
            float[] stored = new float[rows * 384];
            at = 0;
            for (ActivationStore.Shard s : store.shards()) {
                try (NDManager sm = m.newSubManager()) {
                    float[] x = SafeTensors.read(sm, acts.resolve(s.file())).get(0).toFloatArray();
                    System.arraycopy(x, 0, stored, at, x.length);
                    at += x.length;
                }
            }
            float maxDiff = 0;
            for (int i = 0; i < stored.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(stored[i] - expected[i]));
            }
            // batched with padding against alone: the same values up to float rounding
            assertTrue(maxDiff < 1e-4, "max |stored - alone| = " + maxDiff);
        }

        Path sae = tmp.resolve("sae");
        assertEquals(
                0,
                MlpZooCli.run(
                        "train-sae",
                        "--activations",
                        acts.toString(),
                        "--d-sae",
                        "64",
                        "--k",
                        "8",
                        "--steps",
                        "20",
                        "--batch",
                        "32",
                        "--buffer-rows",
                        "48",
                        "--out",
                        sae.toString()));
        assertTrue(Files.readString(sae.resolve("cfg.json")).contains("\"d_in\" : 384"));
        // the hook point recorded as SAELens does, for mlpzoo dashboard
        assertTrue(
                Files.readString(sae.resolve("cfg.json"))
                        .contains("\"hook_name\" : \"" + hook + "\""));
    }

    @Test
    void hookZIsFlattenedToHeadsTimesDHeadAndMaxRowsStops() throws Exception {
        Path corpus = tmp.resolve("corpus.txt");
        Files.writeString(corpus, String.join("\n", SENTENCES));
        Path acts = tmp.resolve("z");
        assertEquals(
                0,
                MlpZooCli.run(
                        "capture",
                        "--hook",
                        "blocks.0.attention.hook_z",
                        "--corpus",
                        corpus.toString(),
                        "--split",
                        "lines",
                        "--max-rows",
                        "30",
                        "--out",
                        acts.toString()));
        ActivationStore store = ActivationStore.open(acts);
        assertEquals(12 * 32, store.dIn());
        assertEquals(30, store.rows());
    }

    @Test
    void transcoderPairsHoldTheMlpInputAndOutput() throws Exception {
        Path corpus = tmp.resolve("corpus.txt");
        Files.writeString(corpus, SENTENCES.get(1));
        Path acts = tmp.resolve("mlp");
        assertEquals(
                0,
                MlpZooCli.run(
                        "capture",
                        "--hook",
                        "blocks.2.mlp",
                        "--pairs",
                        "--corpus",
                        corpus.toString(),
                        "--out",
                        acts.toString()));
        ActivationStore store = ActivationStore.open(acts);
        assertEquals(384, store.dIn());
        assertEquals(384, store.dOut());
        assertEquals(5, store.rows()); // [CLS] thank you . [SEP]
    }

    @Test
    void anUnknownHookListsTheHookPoints() throws Exception {
        Path corpus = tmp.resolve("corpus.txt");
        Files.writeString(corpus, "Hello.");
        assertCliError(
                "no hook point 'blocks.9.hook_resid_post'; the model has: ",
                "capture",
                "--hook",
                "blocks.9.hook_resid_post",
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("acts").toString());
        assertCliError(
                "blocks.5.attention.hook_z",
                "capture",
                "--hook",
                "blocks.9",
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("acts").toString());
    }

    @Test
    void anEmptyCorpusIsRefused() throws Exception {
        Path corpus = tmp.resolve("empty.txt");
        Files.writeString(corpus, "\n  \n");
        assertCliError(
                "empty.txt holds no text",
                "capture",
                "--hook",
                "blocks.0.hook_resid_post",
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("acts").toString());
        assertTrue(Files.notExists(tmp.resolve("acts")), "nothing written");
    }

    @Test
    void textsPastTheMaximumLengthAreTruncatedAndSaidOnce() throws Exception {
        String longText = "word ".repeat(400).strip(); // 400 tokens + [CLS] [SEP]
        Path corpus = tmp.resolve("long.txt");
        Files.writeString(corpus, longText + "\n" + longText + "\nThank you.\n");
        Path acts = tmp.resolve("acts");
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code =
                    MlpZooCli.run(
                            "capture",
                            "--hook",
                            "blocks.5.hook_resid_post",
                            "--corpus",
                            corpus.toString(),
                            "--split",
                            "lines",
                            "--out",
                            acts.toString());
        } finally {
            System.setErr(saved);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, log);
        assertEquals(
                1,
                log.lines().filter(l -> l.contains("longer than 256 tokens")).count(),
                "said once: " + log);
        assertTrue(
                log.contains("2 of 3 texts were longer than 256 tokens and truncated to 256"), log);
        // sentence-transformers keeps the first 255 tokens and [SEP]: 256 rows each
        assertEquals(256 + 256 + 5, ActivationStore.open(acts).rows());
    }
}
