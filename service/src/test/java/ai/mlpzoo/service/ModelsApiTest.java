package ai.mlpzoo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.io.SafeTensors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real endpoints over HTTP: listing, the three input forms, SAE features, limits and errors.
 */
class ModelsApiTest extends ServiceTestBase {

    static FashionMnist data;

    @BeforeAll
    static void load() throws Exception {
        data = FashionMnist.embeddedTestSlice();
    }

    @Test
    void listsServedModelsAndTheZoo() throws Exception {
        HttpResponse<String> r = get("/v1/models");
        assertEquals(200, r.statusCode());
        JsonNode body = json(r);
        List<String> served = new ArrayList<>();
        body.get("served").forEach(m -> served.add(m.get("id").asText()));
        assertEquals(
                Set.of("mixer-fmnist", "resmlp-fmnist", "gmlp-fmnist", "toy-sae", "toy-forecaster"),
                new HashSet<>(served));
        for (JsonNode m : body.get("served")) {
            String id = m.get("id").asText();
            boolean sae = id.equals("toy-sae");
            boolean forecaster = id.equals("toy-forecaster");
            assertEquals(
                    sae ? "SAE" : forecaster ? "FORECASTER" : "IMAGE_CLASSIFIER",
                    m.get("kind").asText());
            assertEquals(
                    sae ? "[16]" : forecaster ? "[32,3]" : "[1,28,28]",
                    m.get("inputShape").toString());
        }
        boolean mixerFmnist = false;
        for (JsonNode z : body.get("zoo")) {
            mixerFmnist |=
                    z.get("artifactId").asText().equals("mixer")
                            && z.get("variant").asText().equals("fmnist");
        }
        assertTrue(mixerFmnist, r.body());
    }

    @Test
    void pngJpegMultipartAndTensorAgree() throws Exception {
        for (int i = 0; i < 3; i++) {
            byte[] png = png(data, i);
            JsonNode raw = json(post("/v1/models/gmlp-fmnist/predict?k=10", "image/png", png));
            JsonNode multi =
                    json(
                            multipart(
                                    "/v1/models/gmlp-fmnist/predict?k=10",
                                    "image",
                                    "x.png",
                                    "image/png",
                                    png));
            assertEquals(raw, multi);
            JsonNode top = raw.get("predictions").get(0);
            assertEquals(10, top.size());
            Set<String> labels = new HashSet<>();
            double last = 1, sum = 0;
            for (JsonNode c : top) {
                String label = c.get("label").asText();
                assertEquals(FashionMnist.CLASSES[c.get("index").asInt()], label);
                labels.add(label);
                double p = c.get("probability").asDouble();
                assertTrue(p <= last);
                last = p;
                sum += p;
            }
            assertEquals(Set.of(FashionMnist.CLASSES), labels);
            assertEquals(1.0, sum, 1e-4);

            // the same image as a model-ready tensor, normalised as the model's metadata says
            float[] px = new float[28 * 28];
            data.copyImage(i, px, 0);
            ObjectNode t = JSON.createObjectNode();
            ArrayNode d = t.putArray("data");
            for (float v : px) {
                d.add((Math.round(v * 255f) / 255f - FashionMnist.MEAN) / FashionMnist.STD);
            }
            t.putArray("shape").add(1).add(28).add(28);
            HttpResponse<String> tr =
                    post(
                            "/v1/models/gmlp-fmnist/predict?k=10",
                            "application/json",
                            JSON.writeValueAsBytes(t));
            assertEquals(200, tr.statusCode(), tr.body());
            JsonNode tensorTop = json(tr).get("predictions").get(0);
            for (int c = 0; c < 10; c++) {
                assertEquals(top.get(c).get("label"), tensorTop.get(c).get("label"));
                assertEquals(
                        top.get(c).get("probability").asDouble(),
                        tensorTop.get(c).get("probability").asDouble(),
                        1e-4);
            }

            // JPEG (lossy, so only the best class is compared on a confident image)
            BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(png));
            ByteArrayOutputStream jpg = new ByteArrayOutputStream();
            ImageIO.write(img, "jpeg", jpg);
            HttpResponse<String> jr =
                    post("/v1/models/gmlp-fmnist/predict", "image/jpeg", jpg.toByteArray());
            assertEquals(200, jr.statusCode(), jr.body());
            assertEquals(5, json(jr).get("predictions").get(0).size());
        }
    }

    @Test
    void batchTensor() throws Exception {
        ObjectNode t = JSON.createObjectNode();
        ArrayNode d = t.putArray("data");
        for (int i = 0; i < 2 * 28 * 28; i++) {
            d.add(i < 28 * 28 ? -0.8 : 1.2);
        }
        t.putArray("shape").add(2).add(1).add(28).add(28);
        HttpResponse<String> r =
                post(
                        "/v1/models/mixer-fmnist/predict?k=2",
                        "application/json",
                        JSON.writeValueAsBytes(t));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(2, json(r).get("predictions").size());
        assertEquals(2, json(r).get("predictions").get(1).size());
    }

    @Test
    void pretrainedModelClassifiesOverHttp() throws Exception {
        int n = 100, correct = 0;
        for (int i = 0; i < n; i++) {
            JsonNode r =
                    json(post("/v1/models/gmlp-fmnist/predict?k=1", "image/png", png(data, i)));
            correct +=
                    r.get("predictions")
                                    .get(0)
                                    .get(0)
                                    .get("label")
                                    .asText()
                                    .equals(FashionMnist.CLASSES[data.labels()[i]])
                            ? 1
                            : 0;
        }
        assertTrue(correct >= 85, "gMLP over HTTP: " + correct + " of " + n + " correct");
    }

    @Test
    void saeFeaturesMatchTheReference() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList io = SafeTensors.read(m, saeFixture().resolve("saelens_topk.io.safetensors"));
            NDArray input = io.get("input");
            NDArray acts = io.get("feature_acts");
            for (int row = 0; row < input.getShape().get(0); row++) {
                float[] x = input.get(row).toFloatArray();
                float[] want = acts.get(row).toFloatArray();
                ObjectNode t = JSON.createObjectNode();
                ArrayNode d = t.putArray("data");
                for (float v : x) {
                    d.add(v);
                }
                HttpResponse<String> r =
                        post(
                                "/v1/models/toy-sae/features",
                                "application/json",
                                JSON.writeValueAsBytes(t));
                assertEquals(200, r.statusCode(), r.body());
                JsonNode f = json(r);
                assertEquals(64, f.get("width").asInt());
                float[] got = new float[64];
                for (int j = 0; j < f.get("indices").size(); j++) {
                    got[f.get("indices").get(j).asInt()] =
                            (float) f.get("values").get(j).asDouble();
                }
                for (int j = 0; j < 64; j++) {
                    assertEquals(want[j], got[j], 1e-4, "row " + row + " feature " + j);
                }
                assertTrue(f.get("indices").size() <= 6);
            }
        }
    }

    @Test
    void unknownModelIs404() throws Exception {
        for (String id :
                List.of(
                        "mixer",
                        "nope",
                        "..",
                        "%2E%2E",
                        "etc%2Fpasswd",
                        "mixer-fmnist%00",
                        "a".repeat(300))) {
            HttpResponse<String> r =
                    post("/v1/models/" + id + "/predict", "image/png", png(data, 0));
            assertTrue(
                    r.statusCode() == 404 || r.statusCode() == 400,
                    id + ": " + r.statusCode() + " " + r.body());
            assertNoTrace(r);
        }
        HttpResponse<String> r = post("/v1/models/nope/predict", "image/png", png(data, 0));
        assertEquals(404, r.statusCode());
        JsonNode e = json(r);
        assertEquals(404, e.get("status").asInt());
        assertTrue(e.get("message").asText().contains("unknown model 'nope'"), r.body());
        assertEquals(
                404,
                post(
                                "/v1/models/nope/features",
                                "application/json",
                                "{\"data\":[1]}".getBytes(StandardCharsets.UTF_8))
                        .statusCode());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "image/png|not an image at all",
                "image/jpeg|\u0089PNG\r\n\u001a\n truncated",
                "image/png|",
                "application/json|{\"data\": [1, 2,",
                "application/json|[1, 2, 3]",
                "application/json|{\"data\": [1, 2, 3], \"shape\": [1, 28, 28]}",
                "application/json|{\"data\": [1, 2, 3]}",
                "application/json|{\"data\": [\"a\"], \"shape\": [1]}",
                "application/json|{\"data\": [NaN], \"shape\": [1]}",
                "application/json|{\"data\": [1e999], \"shape\": [1, 1, 1]}",
                "application/json|{\"shape\": [-1, 28, 28], \"data\": []}",
                "application/json|{\"shape\": [100000000000, 1, 28, 28], \"data\": [0]}",
                "application/json|null",
                "application/json|{\"data\": \"x\", \"shape\": [1]}",
                "application/json|{\"data\": {}, \"shape\": \"y\"}",
            })
    void malformedContentIs400WithJson(String spec) throws Exception {
        String[] parts = spec.split("\\|", 2);
        HttpResponse<String> r =
                post(
                        "/v1/models/mixer-fmnist/predict",
                        parts[0],
                        parts[1].getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(400, r.statusCode(), spec + " -> " + r.body());
        JsonNode e = json(r);
        assertEquals(400, e.get("status").asInt());
        assertFalse(e.get("message").asText().isBlank());
        assertNoTrace(r);
    }

    @Test
    void otherErrors() throws Exception {
        // k out of range or not a number
        assertEquals(
                400,
                post("/v1/models/mixer-fmnist/predict?k=0", "image/png", png(data, 0))
                        .statusCode());
        assertEquals(
                400,
                post("/v1/models/mixer-fmnist/predict?k=abc", "image/png", png(data, 0))
                        .statusCode());
        // wrong endpoint for the model's kind
        assertEquals(
                400, post("/v1/models/toy-sae/predict", "image/png", png(data, 0)).statusCode());
        assertEquals(
                400,
                post(
                                "/v1/models/mixer-fmnist/features",
                                "application/json",
                                "{\"data\":[1]}".getBytes(StandardCharsets.UTF_8))
                        .statusCode());
        HttpResponse<String> sae =
                post(
                        "/v1/models/toy-sae/features",
                        "application/json",
                        "{\"data\":[1,2]}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, sae.statusCode());
        assertTrue(json(sae).get("message").asText().contains("16 values"), sae.body());
        // content types, methods, paths
        HttpResponse<String> text =
                post(
                        "/v1/models/mixer-fmnist/predict",
                        "text/plain",
                        "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(415, text.statusCode());
        assertNoTrace(text);
        assertEquals(405, get("/v1/models/mixer-fmnist/predict").statusCode());
        assertEquals(404, get("/v1/nothing-here").statusCode());
        // an image larger than mlpzoo.service.max-image-pixels (100,000 in the tests), refused
        // before decoding
        HttpResponse<String> big =
                post("/v1/models/mixer-fmnist/predict", "image/png", pngOfSize(400, 400));
        assertEquals(400, big.statusCode());
        assertTrue(json(big).get("message").asText().contains("400 x 400"), big.body());
        // multipart without a file, or with two
        assertEquals(
                400,
                multipart(
                                "/v1/models/mixer-fmnist/predict",
                                "note",
                                null,
                                "text/plain",
                                "x".getBytes(StandardCharsets.UTF_8))
                        .statusCode());
    }

    @Test
    void requestSizeLimits() throws Exception {
        byte[] big = new byte[1536 * 1024];
        new Random(7).nextBytes(big);
        HttpResponse<String> raw = post("/v1/models/mixer-fmnist/predict", "image/png", big);
        assertEquals(413, raw.statusCode(), raw.body());
        assertNoTrace(raw);
        HttpResponse<String> js = post("/v1/models/mixer-fmnist/predict", "application/json", big);
        assertEquals(413, js.statusCode());
        HttpResponse<String> multi =
                multipart("/v1/models/mixer-fmnist/predict", "image", "big.png", "image/png", big);
        assertEquals(413, multi.statusCode(), multi.body());
        assertNoTrace(multi);
    }

    @Test
    void healthAndMetrics() throws Exception {
        post("/v1/models/resmlp-fmnist/predict", "image/png", png(data, 0));
        HttpResponse<String> h = get("/actuator/health");
        assertEquals(200, h.statusCode(), h.body());
        JsonNode zoo = json(h).get("components").get("mlpZoo");
        assertEquals("UP", zoo.get("status").asText());
        assertEquals(8, zoo.get("details").get("mixer-fmnist").get("predictors").asInt());
        HttpResponse<String> m =
                get(
                        "/actuator/metrics/mlpzoo.predictions?tag=model:resmlp-fmnist&tag=outcome:success");
        assertEquals(200, m.statusCode(), m.body());
        double count = 0;
        for (JsonNode s : json(m).get("measurements")) {
            if (s.get("statistic").asText().equals("COUNT")) {
                count = s.get("value").asDouble();
            }
        }
        assertTrue(count >= 1, m.body());
    }

    static void assertNoTrace(HttpResponse<String> r) {
        String b = r.body();
        assertFalse(
                b.contains("Exception")
                        || b.contains("\tat ")
                        || b.contains("at ai.")
                        || b.contains("at org."),
                r.statusCode() + ": " + b);
        assertTrue(r.statusCode() < 500, r.statusCode() + ": " + b);
    }

    static byte[] pngOfSize(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    HttpResponse<String> multipart(
            String path, String part, String filename, String type, byte[] content)
            throws Exception {
        String boundary = "mlpzoo" + Long.toHexString(new Random(1).nextLong());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head =
                "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\""
                        + part
                        + "\""
                        + (filename == null ? "" : "; filename=\"" + filename + "\"")
                        + "\r\nContent-Type: "
                        + type
                        + "\r\n\r\n";
        body.write(head.getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return post(path, "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }
}
