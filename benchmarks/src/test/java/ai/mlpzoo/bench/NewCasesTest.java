package ai.mlpzoo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cases of issue 20's newer families registered through {@link CaseGroup}: each runs one step,
 * prints its line, and the ones with a Python reference print the trainable parameter count of the
 * architecture (worked out by hand here; bench.py's models print the same counts).
 */
class NewCasesTest {

    @Test
    void theGroupsCasesRunAndBuildTheStatedModels() throws Exception {
        Cases.Options o = new Cases.Options(Cases.ENGINES, null, 50, 1);
        List<String> cases =
                List.of(
                        "tsmixer_train",
                        "tsmixer_infer1",
                        "minilm_embed_pytorch",
                        "minilm_embed_onnxruntime",
                        "sae_matryoshka_train");
        assertTrue(Cases.names(o).containsAll(cases), Cases.names(o).toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<BenchResult> results;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream ls = new PrintStream(new ByteArrayOutputStream(), true)) {
            results = Bench.run(cases, 0, 1, o, ps, ls);
        }
        System.out.println(out.toString(StandardCharsets.UTF_8));
        for (BenchResult r : results) {
            assertNull(r.skipped(), r.line());
            assertTrue(r.medianMs() > 0 && Double.isFinite(r.medianMs()), r.line());
        }
        // TSMixer (context 512, horizon 96, 7 channels, 2 mixer layers, ff 64, batch norm over
        // 512 x 7, RevIN): 2 x (512 x 512 + 512 time mixing + 2 x 2 x 3584 norms + 7 x 64 + 64 +
        // 64 x 7 + 7 feature mixing) + 512 x 96 + 96 projection + 14 RevIN
        assertEquals("605180", results.get(0).extras().get("params"));
        assertTrue(results.get(0).extras().containsKey("windows_per_s"));
        // all-MiniLM-L6-v2 without the pooler: docs/nlp.md's 22,565,376
        assertEquals("22565376", results.get(2).extras().get("params"));
        assertTrue(results.get(3).extras().containsKey("sentences_per_s"));
        // W_enc and W_dec 512 x 8192 each, b_enc 8192, b_dec 512
        assertEquals("8397312", results.get(4).extras().get("params"));
    }

    @Test
    void theTimeMixerCasesRunTheShippedEtth1VariantWithTimeMarks() throws Exception {
        Cases.Options o = new Cases.Options(Cases.ENGINES, null, 50, 1);
        List<String> cases = List.of("timemixer_train", "timemixer_infer1");
        assertTrue(Cases.names(o).containsAll(cases), Cases.names(o).toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<BenchResult> results;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream ls = new PrintStream(new ByteArrayOutputStream(), true)) {
            results = Bench.run(cases, 0, 2, o, ps, ls);
        }
        System.out.println(out.toString(StandardCharsets.UTF_8));
        for (BenchResult r : results) {
            assertNull(r.skipped(), r.line());
            assertTrue(r.medianMs() > 0 && Double.isFinite(r.medianMs()), r.line());
        }
        // timemixer_etth1_h96 (seq 96, pred 96, 7 channels, channel independence, d_model 16,
        // d_ff 32, 2 blocks, scales 96/48/24/12), worked by hand: token conv 16 x 1 x 3 + timeF
        // embedding 16 x 4 = 112; RevIN 4 x 14 = 56; per block the season pairs 96->48->48,
        // 48->24->24, 24->12->12 (7,008 + 1,776 + 456), the trend pairs 12->24->24, 24->48->48,
        // 48->96->96 (912 + 3,552 + 14,016) and out_cross_layer 16->32->16 (1,072): 28,792, x 2 =
        // 57,584; predict layers (96 + 48 + 24 + 12) x 96 + 4 x 96 = 17,664; projection 16 + 1.
        // docs/timeseries.md's 75,433; bench.py's twin counts the same
        assertEquals("75433", results.get(0).extras().get("params"));
        assertTrue(results.get(0).extras().containsKey("windows_per_s"));
        assertEquals("75433", results.get(1).extras().get("params"));
    }
}
