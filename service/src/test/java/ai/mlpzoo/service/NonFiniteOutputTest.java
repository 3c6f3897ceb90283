package ai.mlpzoo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Inputs near the float range overflow the models: the answer is a 422, never "NaN" with 200. */
class NonFiniteOutputTest extends ServiceTestBase {

    static byte[] tensor(int n, double v, boolean shape) throws Exception {
        ObjectNode t = JSON.createObjectNode();
        ArrayNode d = t.putArray("data");
        for (int i = 0; i < n; i++) {
            d.add(i % 2 == 0 ? v : -v);
        }
        if (shape) {
            t.putArray("shape").add(1).add(28).add(28);
        }
        return JSON.writeValueAsBytes(t);
    }

    @Test
    void classifierOverflowIs422() throws Exception {
        HttpResponse<String> r =
                post(
                        "/v1/models/mixer-fmnist/predict",
                        "application/json",
                        tensor(784, 3e38, true));
        assertEquals(422, r.statusCode(), r.body());
        assertFalse(r.body().contains("NaN\""), r.body());
        String msg = json(r).get("message").asText();
        assertTrue(msg.startsWith("model mixer-fmnist produced a non-finite output (item 0,"), msg);
    }

    @Test
    void saeOverflowIs422() throws Exception {
        HttpResponse<String> r =
                post("/v1/models/toy-sae/features", "application/json", tensor(16, 3e38, false));
        assertEquals(422, r.statusCode(), r.body());
        assertFalse(r.body().contains("\"values\""), r.body());
        assertTrue(
                json(r).get("message").asText().startsWith("model toy-sae produced a non-finite"),
                r.body());
    }
}
