package ai.mlpzoo.cli;

import static ai.mlpzoo.cli.CliAssertions.assertCliError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.capture.Capture;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.loading.sae.SaeLensFormat;
import ai.mlpzoo.nlp.MiniLm;
import ai.mlpzoo.nlp.SentenceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlpzoo dashboard} on MiniLM with a random TopK SAE: the page's measures equal the SAE run
 * on each sentence alone, corpus text is escaped, a real headless browser (Debian's chromium) runs
 * the page's script and draws it, and bad inputs are answered with a message.
 */
class DashboardCommandTest {

    @TempDir static Path tmp;

    static final String HOOK = "blocks.2.hook_resid_post";
    static final int D_SAE = 32;

    static final List<String> SENTENCES =
            List.of(
                    "The abundant fruits of another year have blessed our country with plenty.",
                    "Beware of <script>alert('pwned')</script> in a corpus & its \"quotes\".",
                    "Le café coûte trois euros à Genève.",
                    "I know some of you are antsy to get back to Iowa.",
                    "God bless you all.");

    static Path sae;
    static Path corpus;
    static Path page;

    @BeforeAll
    static void writeDashboard() throws Exception {
        corpus = tmp.resolve("corpus.txt");
        Files.writeString(corpus, String.join("\n", SENTENCES) + "\n");
        sae = tmp.resolve("sae");
        try (NDManager m = NDManager.newBaseManager()) {
            SaeConfig cfg = new SaeConfig();
            cfg.architecture = "topk";
            cfg.dIn = 384;
            cfg.dSae = D_SAE;
            cfg.k = 4;
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("hook_name", HOOK); // as train-sae records it
            cfg.metadata = meta;
            cfg.validate();
            SparseCoder block = cfg.toBlock();
            block.initialize(m, DataType.FLOAT32, cfg.inputShape());
            SaeLensFormat.write(sae, cfg, block);
        }
        Path out = tmp.resolve("dash");
        assertEquals(
                0,
                MlpZooCli.run(
                        "dashboard",
                        "--sae",
                        sae.toString(),
                        "--corpus",
                        corpus.toString(),
                        "--split",
                        "lines",
                        "--max-texts",
                        "5",
                        "--latents",
                        "40",
                        "--batch",
                        "2",
                        "--out",
                        out.toString()));
        page = out.resolve("index.html");
    }

    /**
     * The index's rows from the page's JSON block: [latent, frequency, mean, max, token, linked].
     */
    private static JsonNode rows(String html) throws Exception {
        Matcher m =
                Pattern.compile(
                                "<script type=\"application/json\" id=\"data\">(.*?)</script>",
                                Pattern.DOTALL)
                        .matcher(html);
        assertTrue(m.find(), "the page has its data block");
        return Configs.MAPPER.readTree(m.group(1)).get("latents");
    }

    @Test
    void theIndexEqualsTheSaeRunOnEachSentenceAlone() throws Exception {
        long[] fired = new long[D_SAE];
        float[] max = new float[D_SAE];
        int tokens = 0;
        try (NDManager m = NDManager.newBaseManager();
                SentenceTokenizer tokenizer = SentenceTokenizer.miniLm()) {
            SparseCoder coder = SaeLensFormat.read(m, sae).block();
            BertEncoder encoder = MiniLm.load(m);
            try (Capture c = Capture.install(encoder, HOOK)) {
                for (String s : SENTENCES) {
                    SentenceTokenizer.Batch b = tokenizer.encode(List.of(s));
                    ParameterStore ps = new ParameterStore(m, false);
                    encoder.forward(ps, b.toNDList(m), false);
                    NDArray x = c.output().reshape(-1, 384); // (tokens, 384), no padding
                    float[] z = coder.encode(ps, x, false).dense().toFloatArray(); // (tokens, 32)
                    for (int i = 0; i < z.length; i++) {
                        if (z[i] > 0) {
                            fired[i % D_SAE]++;
                            max[i % D_SAE] = Math.max(max[i % D_SAE], z[i]);
                        }
                    }
                    tokens += b.lengths()[0];
                }
            }
        }
        String html = Files.readString(page);
        assertTrue(html.contains("<dt>tokens</dt><dd>" + tokens + "</dd>"), "token count");
        JsonNode rows = rows(html);
        assertEquals(D_SAE, rows.size());
        double prev = Double.POSITIVE_INFINITY;
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            int j = r.get(0).asInt();
            double freq = r.get(1).asDouble();
            assertTrue(freq <= prev, "sorted by frequency at row " + i);
            prev = freq;
            // batched and padded against alone: a TopK near-tie could move one firing at most
            assertEquals((double) fired[j] / tokens, freq, 1.5 / tokens, "frequency of " + j);
            assertEquals(max[j], r.get(3).asDouble(), 1e-3, "max of latent " + j);
            // --latents 40 above d_sae: every latent that fired has a section
            assertEquals(fired[j] > 0 ? 1 : 0, r.get(5).asInt(), "section of " + j);
        }
        // the six most frequent latents have sections, in the index's order
        int last = -1;
        for (int i = 0; i < 6; i++) {
            int at = html.indexOf("id=\"latent-" + rows.get(i).get(0).asInt() + "\"");
            assertTrue(at > last, "section of row " + i);
            last = at;
        }
    }

    @Test
    void aTranscoderEncodesItsHookPointsInput() throws Exception {
        Path transcoder = tmp.resolve("transcoder");
        String mlp = "blocks.1.mlp";
        long[] fired = new long[16];
        int tokens = 0;
        try (NDManager m = NDManager.newBaseManager();
                SentenceTokenizer tokenizer = SentenceTokenizer.miniLm()) {
            SaeConfig cfg = new SaeConfig();
            cfg.architecture = "transcoder";
            cfg.dIn = 384;
            cfg.dSae = 16;
            cfg.dOut = 384;
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("hook_name", mlp);
            cfg.metadata = meta;
            cfg.validate();
            SparseCoder block = cfg.toBlock();
            block.initialize(m, DataType.FLOAT32, cfg.inputShape());
            SaeLensFormat.write(transcoder, cfg, block);
            // the reference: the MLP's input (not its output), each sentence alone
            BertEncoder encoder = MiniLm.load(m);
            try (Capture c = Capture.install(encoder, mlp)) {
                for (String s : SENTENCES) {
                    SentenceTokenizer.Batch b = tokenizer.encode(List.of(s));
                    ParameterStore ps = new ParameterStore(m, false);
                    encoder.forward(ps, b.toNDList(m), false);
                    float[] z =
                            block.encode(ps, c.input().reshape(-1, 384), false)
                                    .dense()
                                    .toFloatArray(); // (tokens, 16)
                    for (int i = 0; i < z.length; i++) {
                        fired[i % 16] += z[i] > 0 ? 1 : 0;
                    }
                    tokens += b.lengths()[0];
                }
            }
        }
        Path out = tmp.resolve("dash-transcoder");
        assertEquals(
                0,
                MlpZooCli.run(
                        "dashboard",
                        "--sae",
                        transcoder.toString(),
                        "--corpus",
                        corpus.toString(),
                        "--split",
                        "lines",
                        "--out",
                        out.toString()));
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("<dd>" + mlp + " (input)</dd>"), "the page says what was read");
        JsonNode rows = rows(html);
        assertEquals(16, rows.size());
        for (JsonNode r : rows) {
            int j = r.get(0).asInt();
            assertEquals(
                    (double) fired[j] / tokens, r.get(1).asDouble(), 1.5 / tokens, "latent " + j);
        }
    }

    @Test
    void corpusTextIsEscapedAndPiecesKeepTheOriginalText() throws Exception {
        String html = Files.readString(page);
        assertEquals(2, html.split("<script", -1).length - 1, "only the page's own scripts");
        assertFalse(html.contains("<script>alert"));
        // pieces come from the original text: case and accents kept, escaped
        assertTrue(html.contains("&lt;") && html.contains("&#39;") && html.contains("&quot;"));
        try (SentenceTokenizer tokenizer = SentenceTokenizer.miniLm()) {
            List<String[]> pieces = tokenizer.pieces(SENTENCES);
            SentenceTokenizer.Batch b = tokenizer.encode(SENTENCES);
            for (int i = 0; i < SENTENCES.size(); i++) {
                String[] p = pieces.get(i);
                assertEquals(b.lengths()[i], p.length, "one piece per token");
                assertEquals("[CLS]", p[0]);
                assertEquals("[SEP]", p[p.length - 1]);
                assertEquals(
                        SENTENCES.get(i),
                        String.join("", java.util.Arrays.copyOfRange(p, 1, p.length - 1)),
                        "pieces join to the text");
            }
            assertArrayEquals(
                    new String[] {"[CLS]", "Le", " café"},
                    java.util.Arrays.copyOf(pieces.get(2), 3));
        }
    }

    @Test
    void chromiumRunsThePageScriptAndDrawsIt() throws Exception {
        String chromium = chromium();
        assumeTrue(
                chromium != null,
                "Debian's chromium is not installed (apt-get install chromium; .ci/run installs"
                        + " it): the headless browser check is skipped");
        Path profile = Files.createDirectories(tmp.resolve("profile"));
        String url = page.toUri().toString();
        String dom =
                run(
                        List.of(
                                chromium,
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-dev-shm-usage",
                                "--user-data-dir=" + profile,
                                "--virtual-time-budget=5000",
                                "--dump-dom",
                                url),
                        tmp.resolve("dom.html"));
        // the script ran: it marks the body, draws a row per latent and colours the tokens
        assertTrue(dom.contains("data-rendered=\"yes\""), "the page's script ran");
        String html = Files.readString(page);
        JsonNode rows = rows(html);
        Matcher row =
                Pattern.compile("<tr class=\"latent-row\" data-latent=\"(\\d+)\"").matcher(dom);
        List<Integer> drawn = new ArrayList<>();
        while (row.find()) {
            drawn.add(Integer.parseInt(row.group(1)));
        }
        List<Integer> expected = new ArrayList<>();
        rows.forEach(r -> expected.add(r.get(0).asInt()));
        assertEquals(expected, drawn, "a row per latent, by frequency");
        assertTrue(dom.contains(D_SAE + " of " + D_SAE + " latents shown"), "the count line");
        assertTrue(dom.contains("background-color: rgba(249, 115, 22,"), "tokens highlighted");
        // the sentence with a tag fits one example's window: every latent firing on it shows
        // its '<' (a word piece of its own) as text
        assertTrue(dom.contains("&gt;</span>") && dom.contains("&lt;</span>"), "tags as text");
        assertFalse(dom.contains("<script>alert"), "and never run");

        Path shot = tmp.resolve("shot.png");
        run(
                List.of(
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--user-data-dir=" + profile,
                        "--hide-scrollbars",
                        "--window-size=1000,800",
                        "--virtual-time-budget=5000",
                        "--screenshot=" + shot,
                        url),
                tmp.resolve("shot.log"));
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1000, img.getWidth());
        int dark = 0;
        int orange = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int p = img.getRGB(x, y);
                int r = (p >> 16) & 255;
                int g = (p >> 8) & 255;
                int b = p & 255;
                dark += r + g + b < 200 ? 1 : 0;
                orange += r > 200 && g > 100 && g < 200 && b < 140 ? 1 : 0;
            }
        }
        // text drawn, and the frequency bars (orange) that only the script draws
        assertTrue(dark > 500, "dark (text) pixels: " + dark);
        assertTrue(orange > 50, "orange (bars, highlights) pixels: " + orange);
    }

    @Test
    void badInputsAreNamed() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("nothing"));
        assertCliError(
                "holds no SAE: expected cfg.json with sae_weights.safetensors",
                "dashboard",
                "--sae",
                empty.toString(),
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("o1").toString());
        assertCliError(
                "no hook point 'blocks.9.hook_resid_post'; the model has: ",
                "dashboard",
                "--sae",
                sae.toString(),
                "--hook",
                "blocks.9.hook_resid_post",
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("o2").toString());
        // an SAE of another width and without a recorded hook point
        Path narrow = tmp.resolve("narrow");
        try (NDManager m = NDManager.newBaseManager()) {
            SaeConfig cfg = new SaeConfig();
            cfg.architecture = "topk";
            cfg.dIn = 16;
            cfg.dSae = 8;
            cfg.k = 2;
            cfg.validate();
            SparseCoder block = cfg.toBlock();
            block.initialize(m, DataType.FLOAT32, cfg.inputShape());
            SaeLensFormat.write(narrow, cfg, block);
        }
        assertCliError(
                "records no hook point (metadata.hook_name); give --hook",
                "dashboard",
                "--sae",
                narrow.toString(),
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("o3").toString());
        assertCliError(
                "d_in is 16 but blocks.1.hook_resid_post has width 384",
                "dashboard",
                "--sae",
                narrow.toString(),
                "--hook",
                "blocks.1.hook_resid_post",
                "--corpus",
                corpus.toString(),
                "--out",
                tmp.resolve("o4").toString());
        Path site = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "mine");
        assertCliError(
                "index.html exists and is not a dashboard mlpzoo wrote; it is not replaced",
                "dashboard",
                "--sae",
                sae.toString(),
                "--corpus",
                corpus.toString(),
                "--out",
                site.toString());
        assertEquals("mine", Files.readString(site.resolve("index.html")));
        assertCliError(
                "--max-texts must be positive, got 0",
                "dashboard",
                "--sae",
                sae.toString(),
                "--corpus",
                corpus.toString(),
                "--max-texts",
                "0",
                "--out",
                tmp.resolve("o5").toString());
    }

    /** Debian's chromium, or null when absent. */
    static String chromium() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        return null;
    }

    /** Runs a command with a 120 s limit; returns its stdout, failing with its log otherwise. */
    static String run(List<String> cmd, Path log) throws Exception {
        Path stdout = Files.createTempFile(tmp, "out", ".txt");
        Process p =
                new ProcessBuilder(cmd)
                        .redirectOutput(stdout.toFile())
                        .redirectError(log.toFile())
                        .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(
                    String.join(" ", cmd) + " did not finish in 120 s: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), "exit code of " + cmd + ": " + Files.readString(log));
        return Files.readString(stdout);
    }
}
