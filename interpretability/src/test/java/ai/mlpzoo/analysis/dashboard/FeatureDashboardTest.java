package ai.mlpzoo.analysis.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's accumulator, heap, histogram and page: measures against hand-computed values, the
 * heap against a full sort, the histogram against direct binning, and corpus text escaped wherever
 * it lands in the page.
 */
class FeatureDashboardTest {

    @TempDir Path tmp;

    /** (tokens, d_sae) row-major from rows of latents. */
    private static float[] acts(float[][] rows) {
        int d = rows[0].length;
        float[] a = new float[rows.length * d];
        for (int t = 0; t < rows.length; t++) {
            System.arraycopy(rows[t], 0, a, t * d, d);
        }
        return a;
    }

    @Test
    void measuresAndFrequencyOrder() {
        FeatureDashboard d = new FeatureDashboard(4, 3, 2, 1);
        // text 0: 3 tokens; latent 1 fires 3 times, latent 2 twice, latent 0 once, latent 3 never
        d.addText(
                new String[] {"a", "b", "c"},
                acts(new float[][] {{0, 1, 2, 0}, {0, 2, 0, 0}, {0.5f, 3, 4, 0}}),
                0);
        // text 1 at an offset into a larger array: latent 2 fires once more (3 in all)
        float[] padded = new float[4 + 8];
        System.arraycopy(acts(new float[][] {{0, 0, 1, 0}, {0, 0, 0, 0}}), 0, padded, 4, 8);
        d.addText(new String[] {"d", "e"}, padded, 4);

        assertEquals(5, d.tokens());
        assertEquals(2, d.texts());
        assertEquals(List.of(1, 2, 0, 3), d.byFrequency(), "by frequency, ties by index");
        assertEquals(3, d.fired(1));
        assertEquals(3 / 5.0, d.frequency(1), 1e-12);
        assertEquals(2.0, d.meanActivation(1), 1e-12); // (1 + 2 + 3) / 3
        assertEquals(7 / 3.0, d.meanActivation(2), 1e-12); // (2 + 4 + 1) / 3
        assertEquals(4f, d.maxActivation(2));
        assertEquals("c", d.maxToken(2));
        assertEquals(0, d.fired(3));
        assertEquals(0.0, d.meanActivation(3));
        assertEquals(List.of(), d.examples(3));

        // one example per text, the strongest first, windowed around the strongest token
        List<TopExamples.Example> ex = d.examples(2);
        assertEquals(2, ex.size());
        assertEquals(4f, ex.get(0).value());
        assertEquals(0, ex.get(0).seq());
        assertArrayEquals(new String[] {"a", "b", "c"}, ex.get(0).pieces());
        assertArrayEquals(new float[] {2, 0, 4}, ex.get(0).acts());
        assertEquals(2, ex.get(0).maxAt());
        assertFalse(ex.get(0).cutStart() || ex.get(0).cutEnd(), "the whole text");
        assertEquals(1f, ex.get(1).value());
        assertArrayEquals(new String[] {"d", "e"}, ex.get(1).pieces()); // window 2 before, 1 after
        assertEquals(0, ex.get(1).maxAt());
    }

    @Test
    void theContextWindowIsCutAroundTheStrongestToken() {
        FeatureDashboard d = new FeatureDashboard(1, 1, 2, 1);
        String[] pieces = new String[10];
        float[] a = new float[10];
        for (int t = 0; t < 10; t++) {
            pieces[t] = "w" + t;
            a[t] = t == 5 ? 9 : t == 4 ? 1 : 0;
        }
        d.addText(pieces, a, 0);
        TopExamples.Example e = d.examples(0).get(0);
        assertArrayEquals(new String[] {"w3", "w4", "w5", "w6"}, e.pieces());
        assertArrayEquals(new float[] {0, 1, 9, 0}, e.acts());
        assertEquals(2, e.maxAt());
        assertTrue(e.cutStart() && e.cutEnd(), "the text goes on both sides");
    }

    @Test
    void theHeapKeepsTheKLargestLikeAFullSortAndTiesKeepTheEarlierText() {
        Random r = new Random(7);
        TopExamples heap = new TopExamples(5);
        List<float[]> all = new ArrayList<>(); // value, seq
        for (int i = 0; i < 500; i++) {
            float v = r.nextInt(60) / 4f; // many ties
            long seq = i;
            all.add(new float[] {v, i});
            heap.offer(
                    v,
                    () ->
                            new TopExamples.Example(
                                    v, seq, new String[0], new float[0], 0, false, false));
        }
        all.sort((x, y) -> x[0] != y[0] ? Float.compare(y[0], x[0]) : Float.compare(x[1], y[1]));
        List<TopExamples.Example> kept = heap.sorted();
        assertEquals(5, kept.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(all.get(i)[0], kept.get(i).value(), "value of rank " + i);
            assertEquals((long) all.get(i)[1], kept.get(i).seq(), "text of rank " + i);
        }
        // a value not above the weakest held is not even built
        float weakest = kept.get(4).value();
        assertFalse(
                heap.offer(
                        weakest,
                        () -> {
                            throw new AssertionError("built an example that cannot enter");
                        }));
        assertThrows(IllegalArgumentException.class, () -> new TopExamples(0));
    }

    @Test
    void theStreamingHistogramEqualsDirectBinningAtItsFinalEdges() {
        StreamingHistogram h = new StreamingHistogram(4);
        for (float v : new float[] {0.3f, 0.6f, 1.5f, 3.0f}) {
            h.add(v);
        }
        assertEquals(4f, h.upper());
        assertArrayEquals(new long[] {2, 1, 0, 1}, h.counts()); // [0,1): 0.3, 0.6; [1,2); [3,4)

        Random r = new Random(3);
        StreamingHistogram big = new StreamingHistogram(48);
        float[] values = new float[5000];
        for (int i = 0; i < values.length; i++) {
            // growing values, so that the range doubles many times while counting
            values[i] = (float) (Math.exp(r.nextGaussian()) * (1 + i / 100.0));
            big.add(values[i]);
        }
        long[] direct = new long[48];
        float upper = big.upper();
        float max = 0;
        for (float v : values) {
            direct[Math.min(47, (int) (v / upper * 48))]++;
            max = Math.max(max, v);
        }
        assertTrue(max < upper && max >= upper / 2, "the range is the power of two above the max");
        assertArrayEquals(direct, big.counts());
        assertEquals(5000, big.total());
        assertThrows(IllegalArgumentException.class, () -> big.add(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new StreamingHistogram(3));
    }

    @Test
    void nonFiniteActivationsAndShortArraysAreRefused() {
        FeatureDashboard d = new FeatureDashboard(2, 2, 1, 1);
        IllegalArgumentException nan =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> d.addText(new String[] {"x"}, new float[] {0, Float.NaN}, 0));
        assertTrue(nan.getMessage().contains("latent 1 is NaN at token 0"), nan.getMessage());
        IllegalArgumentException shortArray =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> d.addText(new String[] {"x", "y"}, new float[3], 0));
        assertTrue(shortArray.getMessage().contains("need 4 values"), shortArray.getMessage());
    }

    @Test
    void corpusTextIsEscapedInTheMarkupAndInTheScriptData() throws Exception {
        FeatureDashboard d = new FeatureDashboard(2, 3, 8, 8);
        String evil = "<script>alert('x')</script>";
        String quote = "\"><img src=x onerror=alert(1)>";
        d.addText(
                new String[] {"[CLS]", " " + evil, " &amp;", quote, "[SEP]"},
                acts(new float[][] {{0, 0}, {5, 0}, {1, 2}, {0, 3}, {0, 0}}),
                0);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("hook", "blocks.3.hook_resid_post");
        facts.put("corpus", "</title><b>");
        StringWriter w = new StringWriter();
        DashboardHtml.render(w, d, new DashboardHtml.Info("t<1>", facts, 10));
        String page = w.toString();

        // the only script elements are the page's own two
        assertEquals(2, count(page, "<script"), page);
        assertEquals(2, count(page, "</script>"));
        assertFalse(page.contains("<img"), "no markup from the corpus");
        assertFalse(page.contains("<b>"));
        assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertTrue(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assertTrue(page.contains(">&amp;amp;</span>"), "an entity in the text stays text");
        assertTrue(page.contains("&lt;/title&gt;&lt;b&gt;"));
        // latent 0's top token in the index's JSON, unicode-escaped
        assertTrue(page.contains("\" \\u003cscript\\u003ealert('x')\\u003c/script\\u003e\""), page);
        // both latents have sections, the more frequent (1: 2 tokens) before latent 0 (2 tokens,
        // tie by index: 0 first)
        assertTrue(page.indexOf("id=\"latent-0\"") < page.indexOf("id=\"latent-1\""));
        // the space before a word is outside its highlight
        assertTrue(page.contains(" <span class=\"t mx\" data-a=\"5.00000\">&lt;script&gt;"));

        Path out =
                DashboardHtml.write(tmp.resolve("dash"), d, new DashboardHtml.Info("t", facts, 1));
        String written = Files.readString(out);
        assertTrue(written.contains("id=\"latent-0\"") && !written.contains("id=\"latent-1\""));
        assertEquals(List.of("index.html"), Arrays.asList(out.getParent().toFile().list()));
        // a rerun replaces its own page
        DashboardHtml.write(tmp.resolve("dash"), d, new DashboardHtml.Info("t", facts, 2));
        assertTrue(Files.readString(out).contains("id=\"latent-1\""));
    }

    @Test
    void aPageItDidNotWriteIsNeverReplaced() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<html>my own page</html>\n");
        FeatureDashboard d = new FeatureDashboard(1, 1, 1, 1);
        d.addText(new String[] {"a"}, new float[] {1}, 0);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                DashboardHtml.write(
                                        site, d, new DashboardHtml.Info("t", Map.of(), 1)));
        assertTrue(
                e.getMessage().contains("index.html exists and is not a dashboard mlpzoo wrote"),
                e.getMessage());
        assertEquals("<html>my own page</html>\n", Files.readString(site.resolve("index.html")));
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertThrows(IllegalArgumentException.class, () -> DashboardHtml.requireWritable(file));
    }

    @Test
    void jsonStringsCannotLeaveTheScriptBlock() {
        assertEquals(
                "\"a\\\"b\\\\c\\u000a\\u003c/script\\u003e\\u2028\"",
                DashboardHtml.jsonString("a\"b\\c\n</script>\u2028"));
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;", DashboardHtml.escape("<a href=\"x\">&"));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
