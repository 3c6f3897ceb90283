package ai.mlpzoo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The JSON tensor endpoint's batch limit and its chunked prediction. */
class BatchLimitsTest extends ServiceTestBase {

    static byte[] batch(int n, long seed) throws Exception {
        Random rnd = new Random(seed);
        ObjectNode t = JSON.createObjectNode();
        ArrayNode d = t.putArray("data");
        for (int i = 0; i < n * 28 * 28; i++) {
            d.add(rnd.nextFloat() * 2 - 1);
        }
        t.putArray("shape").add(n).add(1).add(28).add(28);
        return JSON.writeValueAsBytes(t);
    }

    @Test
    void batchOverTheLimitIs413NamingIt() throws Exception {
        HttpResponse<String> r =
                post("/v1/models/mixer-fmnist/predict?k=1", "application/json", batch(65, 1));
        assertEquals(413, r.statusCode(), r.body());
        assertEquals(
                "the batch has 65 items; at most 64 are accepted per request"
                        + " (mlpzoo.service.max-batch): split it",
                json(r).get("message").asText());
    }

    /** 40 items go through in chunks of 16: the same answers as one request per item. */
    @Test
    void chunkedBatchMatchesSingleItems() throws Exception {
        byte[] body = batch(40, 2);
        HttpResponse<String> r =
                post("/v1/models/mixer-fmnist/predict?k=1", "application/json", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode all = json(r).get("predictions");
        assertEquals(40, all.size());
        JsonNode t = JSON.readTree(body);
        for (int i : new int[] {0, 15, 16, 31, 39}) {
            ObjectNode one = JSON.createObjectNode();
            ArrayNode d = one.putArray("data");
            for (int j = 0; j < 28 * 28; j++) {
                d.add(t.get("data").get(i * 28 * 28 + j));
            }
            one.putArray("shape").add(1).add(28).add(28);
            HttpResponse<String> s =
                    post(
                            "/v1/models/mixer-fmnist/predict?k=1",
                            "application/json",
                            JSON.writeValueAsBytes(one));
            JsonNode single = json(s).get("predictions").get(0).get(0);
            assertEquals(single.get("index"), all.get(i).get(0).get("index"), "item " + i);
            assertEquals(
                    single.get("probability").asDouble(),
                    all.get(i).get(0).get("probability").asDouble(),
                    1e-4,
                    "item " + i);
        }
    }
}
