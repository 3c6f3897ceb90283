package ai.mlpzoo.analysis.dashboard;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link FeatureDashboard} as one self-contained static page, {@code index.html}: inline
 * CSS, inline JavaScript, inline SVG, no network, no external font. The page holds
 *
 * <ul>
 *   <li>a table of every latent sorted by firing frequency (frequency, mean and maximum activation,
 *       the token of its maximum), rendered by the page's script from a JSON block and sortable by
 *       any column;
 *   <li>a section per detailed latent (the most frequent ones): its histogram of nonzero
 *       activations and its top-activating texts, each token highlighted by its activation relative
 *       to the latent's maximum (the script colours them) and the strongest token marked.
 * </ul>
 *
 * <p>Text from the corpus is untrusted: every token is HTML-escaped in the markup, and escaped for
 * a script block ({@code <}, {@code >}, {@code &} as {@code \u003c}...) in the JSON; the script
 * writes it with {@code textContent}, never as markup.
 */
public final class DashboardHtml {

    private DashboardHtml() {}

    /**
     * What the page says about the run.
     *
     * @param title the heading, e.g. the SAE's folder
     * @param facts label to value, shown under the heading in order (hook point, corpus...)
     * @param detailed how many of the most frequent latents get a section of their own
     */
    public record Info(String title, Map<String, String> facts, int detailed) {}

    /**
     * Writes {@code index.html} into a folder, atomically (a temporary file moved into place).
     *
     * @param out the folder, created if missing
     * @param dashboard what was accumulated
     * @param info the heading and facts
     * @return the page
     * @throws IOException when writing fails
     */
    public static Path write(Path out, FeatureDashboard dashboard, Info info) throws IOException {
        requireWritable(out);
        Files.createDirectories(out);
        Path page = out.resolve("index.html");
        // a plain file (the default permissions, unlike createTempFile's owner-only ones)
        Path tmp = out.resolve(".index.html.tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            render(w, dashboard, info);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return page;
    }

    /** Marks a page as ours, so that a rerun may replace it and nothing else is replaced. */
    static final String GENERATOR = "<meta name=\"generator\" content=\"mlpzoo dashboard\">";

    /**
     * Checks that a dashboard may be written into a folder before the work of making it: the folder
     * is missing, or a folder without an {@code index.html}, or with one this class wrote (a rerun
     * replaces it). Anything else is never replaced.
     *
     * @param out the folder
     * @throws IllegalArgumentException naming the file and the fix otherwise
     * @throws IOException when an existing page cannot be read
     */
    public static void requireWritable(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(
                    "--out " + out + " is a file; give a folder for the dashboard");
        }
        Path page = out.resolve("index.html");
        if (Files.exists(page)) {
            boolean ours = false;
            if (Files.isRegularFile(page)) {
                try (java.io.BufferedReader r =
                        Files.newBufferedReader(page, StandardCharsets.ISO_8859_1)) {
                    for (int i = 0; i < 8 && !ours; i++) {
                        String line = r.readLine();
                        if (line == null) {
                            break;
                        }
                        ours = line.contains(GENERATOR);
                    }
                }
            }
            if (!ours) {
                throw new IllegalArgumentException(
                        page
                                + " exists and is not a dashboard mlpzoo wrote; it is not replaced:"
                                + " choose another --out");
            }
        }
    }

    /**
     * Renders the page.
     *
     * @param w where to write
     * @param d what was accumulated
     * @param info the heading and facts
     * @throws IOException when writing fails
     */
    public static void render(Writer w, FeatureDashboard d, Info info) throws IOException {
        List<Integer> order = d.byFrequency();
        int alive = 0;
        for (int j = 0; j < d.dSae(); j++) {
            alive += d.fired(j) > 0 ? 1 : 0;
        }
        int detailed = Math.min(Math.max(info.detailed(), 0), alive);
        w.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        w.write(GENERATOR + "\n");
        w.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w.write("<title>Feature dashboard: " + escape(info.title()) + "</title>\n");
        w.write("<style>\n" + CSS + "</style>\n</head>\n<body>\n<header>\n");
        w.write(
                "<h1>Feature dashboard <span class=\"sub\">"
                        + escape(info.title())
                        + "</span></h1>\n");
        w.write("<dl class=\"facts\">");
        for (Map.Entry<String, String> f : info.facts().entrySet()) {
            w.write("<dt>" + escape(f.getKey()) + "</dt><dd>" + escape(f.getValue()) + "</dd>");
        }
        w.write(
                "<dt>texts</dt><dd>"
                        + d.texts()
                        + "</dd><dt>tokens</dt><dd>"
                        + d.tokens()
                        + "</dd><dt>latents</dt><dd>"
                        + d.dSae()
                        + " ("
                        + alive
                        + " fired, "
                        + (d.dSae() - alive)
                        + " dead)</dd></dl>\n</header>\n");
        w.write("<section id=\"index\">\n<h2>Latents by firing frequency</h2>\n");
        w.write(
                "<p class=\"hint\">Click a column to sort; the first "
                        + detailed
                        + " latents have a section below (linked). <input id=\"filter\""
                        + " placeholder=\"latent\" size=\"8\"> <span id=\"count\"></span></p>\n");
        w.write(
                "<noscript><p class=\"warn\">This table is drawn by the page's script; the"
                        + " latents' sections below are static.</p></noscript>\n");
        w.write(
                "<table id=\"latents\"><thead><tr><th data-col=\"0\">latent</th><th"
                        + " data-col=\"1\" class=\"sorted\">frequency</th><th data-col=\"2\">mean"
                        + " act</th><th data-col=\"3\">max act</th><th data-col=\"4\">top"
                        + " token</th></tr></thead><tbody></tbody></table>\n</section>\n");
        for (int i = 0; i < detailed; i++) {
            latentSection(w, d, order.get(i), i + 1);
        }
        // the index's data: numbers and the tokens, escaped for a script block
        w.write("<script type=\"application/json\" id=\"data\">{\"latents\":[");
        for (int i = 0; i < order.size(); i++) {
            int j = order.get(i);
            if (i > 0) {
                w.write(',');
            }
            w.write(
                    "["
                            + j
                            + ","
                            + num(d.frequency(j))
                            + ","
                            + num(d.meanActivation(j))
                            + ","
                            + num(d.maxActivation(j))
                            + ","
                            + (d.maxToken(j) == null ? "null" : jsonString(d.maxToken(j)))
                            + ","
                            + (i < detailed ? 1 : 0)
                            + "]");
            if (i % 64 == 63) {
                w.write('\n');
            }
        }
        w.write("]}</script>\n<script>\n" + SCRIPT + "</script>\n</body>\n</html>\n");
    }

    private static void latentSection(Writer w, FeatureDashboard d, int j, int rank)
            throws IOException {
        float max = d.maxActivation(j);
        w.write(
                "<section class=\"latent\" id=\"latent-"
                        + j
                        + "\" data-max=\""
                        + num(max)
                        + "\">\n<h2>Latent "
                        + j
                        + " <span class=\"sub\">#"
                        + rank
                        + " by frequency</span></h2>\n");
        w.write(
                String.format(
                        Locale.ROOT,
                        "<p class=\"stats\">fires on %s of tokens (%d of %d); mean activation"
                                + " %s, max %s</p>\n",
                        percent(d.frequency(j)),
                        d.fired(j),
                        d.tokens(),
                        num3(d.meanActivation(j)),
                        num3(max)));
        w.write("<div class=\"row\">\n");
        histogram(w, d.histogram(j));
        w.write("<ol class=\"examples\">\n");
        for (TopExamples.Example e : d.examples(j)) {
            w.write("<li><span class=\"val\">" + num3(e.value()) + "</span><span class=\"ctx\">");
            String[] p = e.pieces();
            if (e.cutStart()) {
                w.write("<span class=\"cut\">\u2026</span>");
            }
            for (int t = 0; t < p.length; t++) {
                // the spaces before a word stay outside its highlight
                int lead = 0;
                while (lead < p[t].length() && Character.isWhitespace(p[t].charAt(lead))) {
                    lead++;
                }
                w.write(escape(p[t].substring(0, lead)));
                w.write("<span class=\"t" + (t == e.maxAt() ? " mx" : "") + "\"");
                if (e.acts()[t] > 0) {
                    w.write(" data-a=\"" + num(e.acts()[t]) + "\"");
                }
                w.write(">" + escape(p[t].substring(lead)) + "</span>");
            }
            if (e.cutEnd()) {
                w.write("<span class=\"cut\">\u2026</span>");
            }
            w.write("</span></li>\n");
        }
        w.write("</ol>\n</div>\n<p class=\"top\"><a href=\"#index\">back to the index</a></p>\n");
        w.write("</section>\n");
    }

    /** The histogram as inline SVG: counts per bin, cut after the last non-empty bin. */
    private static void histogram(Writer w, StreamingHistogram h) throws IOException {
        long[] c = h.counts();
        int last = 0;
        long peak = 1;
        for (int i = 0; i < c.length; i++) {
            if (c[i] > 0) {
                last = i;
            }
            peak = Math.max(peak, c[i]);
        }
        int bins = last + 1;
        double hi = (double) h.upper() * bins / c.length;
        int width = 300;
        int height = 110;
        int plot = 90;
        double bw = (double) width / bins;
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "<figure class=\"hist\"><svg xmlns=\"http://www.w3.org/2000/svg\""
                                + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
                                + "<title>activation histogram (nonzero values)</title>",
                        width,
                        height,
                        width,
                        height));
        for (int i = 0; i < bins; i++) {
            if (c[i] == 0) {
                continue;
            }
            double bh = Math.max(1, plot * (double) c[i] / peak);
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s to"
                                    + " %s: %d</title></rect>",
                            i * bw,
                            plot - bh,
                            Math.max(bw - 1, 0.5),
                            bh,
                            num3(hi * i / bins),
                            num3(hi * (i + 1) / bins),
                            c[i]));
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/><text x=\"0\" y=\"%d\">0</text>"
                                + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text></svg>"
                                + "<figcaption>nonzero activations (%d; tallest bar %d)"
                                + "</figcaption></figure>\n",
                        plot,
                        width,
                        plot,
                        height - 4,
                        width,
                        height - 4,
                        num3(hi),
                        h.total(),
                        peak));
        w.write(s.toString());
    }

    /**
     * HTML-escapes text for element content and quoted attribute values.
     *
     * @param s the text, or null
     * @return the escaped text ("" for null)
     */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A JSON string literal safe inside an HTML script block: quotes, backslashes and control
     * characters escaped as JSON requires, and {@code <}, {@code >}, {@code &}, U+2028 and U+2029
     * as unicode escapes, so that no {@code </script>} can end the block.
     *
     * @param s the text
     * @return the quoted literal
     */
    public static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20
                            || c == '<'
                            || c == '>'
                            || c == '&'
                            || c == 0x2028
                            || c == 0x2029) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String num3(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String percent(double f) {
        return String.format(Locale.ROOT, "%.3g%%", 100 * f);
    }

    private static final String CSS =
            """
            :root { --fg: #1d1f24; --muted: #5d6470; --line: #d9dde3; --accent: #c2410c; }
            * { box-sizing: border-box; }
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: var(--fg); margin: 0 auto; max-width: 1100px; padding: 16px 24px; font-size: 14px; }
            h1 { font-size: 22px; margin: 4px 0 8px; }
            h2 { font-size: 17px; margin: 0 0 6px; }
            .sub { color: var(--muted); font-weight: normal; font-size: 0.8em; }
            dl.facts { display: flex; flex-wrap: wrap; gap: 2px 18px; margin: 0 0 12px; color: var(--muted); }
            dl.facts dt { font-weight: 600; } dl.facts dt::after { content: ":"; }
            dl.facts dd { margin: 0 0 0 4px; color: var(--fg); }
            dl.facts dt, dl.facts dd { display: inline; }
            .hint { color: var(--muted); }
            .warn { color: var(--accent); }
            #index { max-height: 360px; overflow-y: auto; border: 1px solid var(--line); padding: 8px 12px; }
            table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
            th { text-align: left; cursor: pointer; position: sticky; top: 0; background: #f4f5f7;
                 border-bottom: 1px solid var(--line); padding: 3px 8px; user-select: none; }
            th.sorted::after { content: " \\25BE"; }
            th.sorted.asc::after { content: " \\25B4"; }
            td { padding: 2px 8px; border-bottom: 1px solid #eef0f3; }
            td.freq { width: 220px; }
            .bar { display: inline-block; height: 9px; background: #fb923c; margin-right: 6px; vertical-align: middle; }
            td.tok { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre; }
            section.latent { border-top: 2px solid var(--line); margin-top: 18px; padding-top: 10px; }
            .stats { margin: 0 0 8px; color: var(--muted); }
            .row { display: flex; gap: 20px; align-items: flex-start; }
            figure.hist { margin: 0; flex: 0 0 auto; }
            figure.hist rect { fill: #fb923c; }
            figure.hist line { stroke: #888; }
            figure.hist text { font-size: 10px; fill: var(--muted); }
            figcaption { font-size: 11px; color: var(--muted); }
            ol.examples { margin: 0; padding-left: 0; list-style: none; flex: 1 1 auto; min-width: 0; }
            ol.examples li { display: flex; gap: 8px; padding: 2px 0; border-bottom: 1px dotted #e5e7eb; }
            .val { flex: 0 0 44px; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
            .ctx { white-space: pre-wrap; line-height: 1.55; }
            .t { border-radius: 2px; }
            .cut { color: var(--muted); }
            .t.mx { outline: 1.5px solid var(--accent); font-weight: 600; }
            .top { font-size: 12px; }
            """;

    private static final String SCRIPT =
            """
            (function () {
              'use strict';
              var data = JSON.parse(document.getElementById('data').textContent);
              var rows = data.latents.slice();
              var body = document.querySelector('#latents tbody');
              var filter = document.getElementById('filter');
              var col = 1, asc = false;
              var maxFreq = rows.reduce(function (m, r) { return Math.max(m, r[1]); }, 0) || 1;
              function fmt(v) { return v === 0 ? '0' : Number(v).toPrecision(3); }
              function cell(tr, text, cls) {
                var td = document.createElement('td');
                if (cls) { td.className = cls; }
                td.textContent = text;
                tr.appendChild(td);
                return td;
              }
              function draw() {
                var want = filter.value.trim();
                var frag = document.createDocumentFragment();
                var shown = 0;
                for (var i = 0; i < rows.length && shown < 5000; i++) {
                  var r = rows[i];
                  if (want && String(r[0]).indexOf(want) !== 0) { continue; }
                  shown++;
                  var tr = document.createElement('tr');
                  tr.className = 'latent-row';
                  tr.setAttribute('data-latent', r[0]);
                  var id = document.createElement('td');
                  if (r[5]) {
                    var a = document.createElement('a');
                    a.href = '#latent-' + r[0];
                    a.textContent = r[0];
                    id.appendChild(a);
                  } else {
                    id.textContent = r[0];
                  }
                  tr.appendChild(id);
                  var f = cell(tr, '', 'freq');
                  var bar = document.createElement('span');
                  bar.className = 'bar';
                  bar.style.width = Math.round(120 * r[1] / maxFreq) + 'px';
                  f.appendChild(bar);
                  f.appendChild(document.createTextNode((100 * r[1]).toPrecision(3) + '%'));
                  cell(tr, fmt(r[2]));
                  cell(tr, fmt(r[3]));
                  cell(tr, r[4] === null ? '' : r[4], 'tok');
                  frag.appendChild(tr);
                }
                body.textContent = '';
                body.appendChild(frag);
                document.getElementById('count').textContent =
                    shown + ' of ' + rows.length + ' latents shown';
              }
              function sortBy(c) {
                asc = c === col ? !asc : c === 0 || c === 4;
                col = c;
                rows.sort(function (x, y) {
                  var a = x[c], b = y[c];
                  if (a === null) { a = ''; }
                  if (b === null) { b = ''; }
                  var d = a < b ? -1 : a > b ? 1 : 0;
                  return (asc ? d : -d) || x[0] - y[0];
                });
                document.querySelectorAll('#latents th').forEach(function (th) {
                  var on = Number(th.getAttribute('data-col')) === col;
                  th.classList.toggle('sorted', on);
                  th.classList.toggle('asc', on && asc);
                });
                draw();
              }
              document.querySelectorAll('#latents th').forEach(function (th) {
                th.addEventListener('click', function () { sortBy(Number(th.getAttribute('data-col'))); });
              });
              filter.addEventListener('input', draw);
              draw();
              // highlight each token by its activation relative to the latent's maximum
              document.querySelectorAll('section.latent').forEach(function (sec) {
                var max = parseFloat(sec.getAttribute('data-max')) || 1;
                sec.querySelectorAll('.t[data-a]').forEach(function (t) {
                  var a = parseFloat(t.getAttribute('data-a'));
                  var s = Math.min(1, a / max);
                  t.style.backgroundColor = 'rgba(249, 115, 22, ' + (0.08 + 0.85 * s).toFixed(3) + ')';
                  t.title = 'activation ' + a.toPrecision(3);
                });
              });
              document.body.setAttribute('data-rendered', 'yes');
            })();
            """;
}
