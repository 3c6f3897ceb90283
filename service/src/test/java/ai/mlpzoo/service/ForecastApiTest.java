package ai.mlpzoo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.io.SafeTensors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/models/{id}/forecast: a window in raw units gives the reference's forecast in raw units,
 * dated; bad windows are 4xx with what the model takes.
 */
class ForecastApiTest extends ServiceTestBase {

    /** The fixture's (z-scored) input and the reference's forecast, sample 0. */
    private static float[][][] reference() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList io =
                    SafeTensors.read(
                            m, forecastFixture().resolve("tsmixer_google_tiny.io.safetensors"));
            NDArray in = io.get("input"); // (2, 32, 3)
            NDArray out = io.get("output"); // (2, 8, 3)
            return new float[][][] {rows(in.get(0)), rows(out.get(0))};
        }
    }

    private static float[][] rows(NDArray a) {
        int n = (int) a.getShape().get(0);
        int c = (int) a.getShape().get(1);
        float[] flat = a.toFloatArray();
        float[][] r = new float[n][c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * c, r[i], 0, c);
        }
        return r;
    }

    private static byte[] window(float[][] raw, boolean stamps) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode values = body.putArray("values");
        for (float[] row : raw) {
            ArrayNode r = values.addArray();
            for (float v : row) {
                r.add(v);
            }
        }
        if (stamps) {
            ArrayNode t = body.putArray("timestamps");
            LocalDateTime t0 = LocalDateTime.of(2017, 10, 24, 0, 0);
            for (int i = 0; i < raw.length; i++) {
                t.add(Timestamps.format(t0.plusHours(i)));
            }
        }
        return JSON.writeValueAsBytes(body);
    }

    private static float[][] raw(float[][] z) {
        float[][] r = new float[z.length][];
        for (int i = 0; i < z.length; i++) {
            r[i] = new float[z[i].length];
            for (int c = 0; c < z[i].length; c++) {
                r[i][c] = z[i][c] * STD[c] + MEAN[c];
            }
        }
        return r;
    }

    @Test
    void rawWindowGivesTheReferenceForecastInRawUnitsDated() throws Exception {
        float[][][] ref = reference();
        HttpResponse<String> r =
                post(
                        "/v1/models/toy-forecaster/forecast",
                        "application/json",
                        window(raw(ref[0]), true));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals("toy-forecaster", body.get("model").asText());
        assertEquals("[\"a\",\"b\",\"c\"]", body.get("columns").toString());
        assertEquals(8, body.get("values").size());
        float[][] expected = raw(ref[1]);
        for (int t = 0; t < 8; t++) {
            for (int c = 0; c < 3; c++) {
                double got = body.get("values").get(t).get(c).asDouble();
                assertEquals(expected[t][c], got, 1e-4 * STD[c], "step " + t + ", channel " + c);
            }
        }
        // the window's last row is 2017-10-25 07:00 (32 hourly rows from midnight)
        assertEquals("2017-10-25 08:00:00", body.get("timestamps").get(0).asText());
        assertEquals("2017-10-25 15:00:00", body.get("timestamps").get(7).asText());
    }

    @Test
    void badWindowsAre400WithWhatTheModelTakes() throws Exception {
        float[][] ok = raw(reference()[0]);
        float[][] twoChannels = new float[32][2];
        assertBad(window(twoChannels, false), 400, "the model reads 3 channels [a, b, c]");
        float[][] shortWindow = java.util.Arrays.copyOf(ok, 10);
        assertBad(window(shortWindow, false), 400, "the model reads the last 32 steps");
        String badStamp =
                new String(window(ok, true), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("2017-10-24 03:00:00", "yesterday");
        assertBad(badStamp.getBytes(), 400, "timestamps[3] is not a time: 'yesterday'");
        assertBad("{\"values\": null}".getBytes(), 400, "the body must be {\"values\"");
        float[][] ragged = ok.clone();
        ragged[5] = new float[] {1f};
        assertBad(window(ragged, false), 400, "row 5 of the series has 1 values");
    }

    @Test
    void overflowingWindowIs422() throws Exception {
        float[][] huge = new float[32][3];
        for (float[] row : huge) {
            java.util.Arrays.fill(row, 3e38f);
        }
        HttpResponse<String> r =
                post("/v1/models/toy-forecaster/forecast", "application/json", window(huge, false));
        assertEquals(422, r.statusCode(), r.body());
        assertTrue(json(r).get("message").asText().contains("toy-forecaster"), r.body());
    }

    @Test
    void otherEndpointsPointToForecast() throws Exception {
        HttpResponse<String> r =
                post(
                        "/v1/models/toy-forecaster/predict",
                        "application/json",
                        "{\"data\": [1], \"shape\": [1]}".getBytes());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("use /v1/models/toy-forecaster/forecast"), r.body());
        HttpResponse<String> m =
                post(
                        "/v1/models/mixer-fmnist/forecast",
                        "application/json",
                        window(new float[32][3], false));
        assertEquals(400, m.statusCode(), m.body());
        assertTrue(m.body().contains("is not a forecaster"), m.body());
        JsonNode served = json(get("/v1/models")).get("served");
        boolean listed = false;
        for (JsonNode s : served) {
            if (s.get("id").asText().equals("toy-forecaster")) {
                listed = "FORECASTER".equals(s.get("kind").asText());
            }
        }
        assertTrue(listed, served.toString());
    }

    private void assertBad(byte[] body, int status, String expected) throws Exception {
        HttpResponse<String> r =
                post("/v1/models/toy-forecaster/forecast", "application/json", body);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(json(r).get("message").asText().contains(expected), r.body());
    }
}
