package ai.mlpzoo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of valid JSON request bodies against the running service: every answer is
 * a correct result (200) or a clean JSON 4xx naming the problem, never a 5xx.
 */
class JsonFuzzTest extends ServiceTestBase {

    private static final String[] TOKENS = {
        "NaN",
        "Infinity",
        "-",
        "1e999",
        "3e38",
        "-0",
        "[",
        "]",
        "{",
        "}",
        "\"",
        ",",
        ":",
        "null",
        "true",
        "\"shape\":",
        "\"data\":",
        "[1,28,28]",
        "[-1]",
        "99999999999999999999",
        "\\u0000",
        "\u00ff",
        "1.5",
        "[[1]]",
        "{\"data\":[1]}"
    };

    private static final Set<Integer> CLEAN = Set.of(200, 400, 413, 415, 422);

    static byte[] valid(int n, boolean shape, Random rnd) {
        StringBuilder b = new StringBuilder("{\"data\": [");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ")
                    .append(Math.round((rnd.nextDouble() * 2 - 1) * 1000) / 1000.0);
        }
        b.append("]");
        if (shape) {
            b.append(", \"shape\": [1, 28, 28]");
        }
        return b.append("}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in;
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = rnd.nextInt(b.length + 1);
            switch (rnd.nextInt(5)) {
                case 0 -> { // flip a byte
                    if (at < b.length) {
                        b = b.clone();
                        b[at] = (byte) rnd.nextInt(256);
                    }
                }
                case 1 -> { // delete a range
                    int end = Math.min(b.length, at + 1 + rnd.nextInt(20));
                    byte[] c = new byte[b.length - (end - at)];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, end, c, at, b.length - end);
                    b = c;
                }
                case 2 -> { // insert a JSON-ish token
                    byte[] t = TOKENS[rnd.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                    byte[] c = new byte[b.length + t.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(t, 0, c, at, t.length);
                    System.arraycopy(b, at, c, at + t.length, b.length - at);
                    b = c;
                }
                case 3 -> b = Arrays.copyOf(b, at); // truncate
                default -> { // duplicate a range
                    int end = Math.min(b.length, at + 1 + rnd.nextInt(40));
                    byte[] c = new byte[b.length + (end - at)];
                    System.arraycopy(b, 0, c, 0, end);
                    System.arraycopy(b, at, c, end, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    @Test
    void mutatedJsonBodiesGetCleanAnswers() throws Exception {
        Random rnd = new Random(20261126L);
        int[] seen = new int[600];
        for (int i = 0; i < 2000; i++) {
            boolean sae = i % 2 == 0;
            byte[] body = mutate(valid(sae ? 16 : 784, !sae, rnd), rnd);
            String path = sae ? "/v1/models/toy-sae/features" : "/v1/models/mixer-fmnist/predict";
            HttpResponse<String> r = post(path, "application/json", body);
            String what =
                    "case "
                            + i
                            + " "
                            + path
                            + ": "
                            + new String(body, StandardCharsets.UTF_8)
                            + " -> "
                            + r.body();
            assertTrue(CLEAN.contains(r.statusCode()), what);
            JsonNode j = json(r);
            if (r.statusCode() == 200) {
                assertTrue(j.has(sae ? "indices" : "predictions"), what);
            } else {
                assertEquals(r.statusCode(), j.get("status").asInt(), what);
                assertTrue(j.get("message").asText().length() > 5, what);
            }
            seen[r.statusCode()]++;
        }
        // the mutations reach both outcomes, not only the parser's refusals (seeded: 44 and 1954)
        assertTrue(seen[200] > 20 && seen[400] > 1000, "200: " + seen[200] + ", 400: " + seen[400]);
    }
}
