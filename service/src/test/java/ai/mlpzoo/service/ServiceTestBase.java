package ai.mlpzoo.service;

import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import ai.mlpzoo.loading.Importers;
import ai.mlpzoo.loading.sae.SaeImporter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on 127.0.0.1 at a random port, with the application's zoo models and an SAE model
 * directory imported from the SAELens reference fixture, a forecaster imported from the
 * torchtsmixer fixture; requests go through a real HTTP client. Every test class extends this one
 * with the same configuration, so they share one context.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            "mlpzoo.service.max-image-pixels=100000",
            "mlpzoo.models.toy-sae.kind=SAE"
        })
abstract class ServiceTestBase {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();

    private static Path saeDir;
    private static Path forecasterDir;

    /** The raw-unit statistics given to the forecaster: raw = z * STD + MEAN per channel. */
    static final float[] MEAN = {10f, -2f, 0.5f};

    static final float[] STD = {2f, 0.5f, 4f};

    @LocalServerPort int port;

    /**
     * The SAELens top-k reference SAE (d_in 16, d_sae 64, k 6), imported into a model directory.
     */
    static Path saeFixture() {
        return Paths.get(System.getProperty("mlpzoo.fixtures", "../fixtures"), "reference", "sae")
                .toAbsolutePath()
                .normalize();
    }

    @DynamicPropertySource
    static synchronized void saeModel(DynamicPropertyRegistry registry) throws IOException {
        if (saeDir == null) {
            Path tmp = Files.createTempDirectory("mlpzoo-service-test");
            tmp.toFile().deleteOnExit();
            saeDir = tmp.resolve("toy-sae");
            SaeImporter.saeLens().importCheckpoint(saeFixture().resolve("saelens_topk"), saeDir);
        }
        registry.add("mlpzoo.models.toy-sae.model-dir", saeDir::toString);
    }

    /** The torchtsmixer reference (context 32, horizon 8, 3 channels), with raw-unit statistics. */
    static Path forecastFixture() {
        return Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "timeseries")
                .toAbsolutePath()
                .normalize();
    }

    @DynamicPropertySource
    static synchronized void forecasterModel(DynamicPropertyRegistry registry) throws IOException {
        if (forecasterDir == null) {
            Path tmp = Files.createTempDirectory("mlpzoo-service-forecaster");
            tmp.toFile().deleteOnExit();
            forecasterDir = tmp.resolve("toy-forecaster");
            Importers.get("tsmixer-google")
                    .importCheckpoint(
                            forecastFixture().resolve("tsmixer_google_tiny"), forecasterDir);
            Files.writeString(
                    forecasterDir.resolve("metadata.json"),
                    "{\"input_size\": [32, 3], \"horizon\": 8, \"mean\": [10, -2, 0.5],"
                            + " \"std\": [2, 0.5, 4], \"columns\": [\"a\", \"b\", \"c\"],"
                            + " \"step\": \"PT1H\"}");
        }
        registry.add("mlpzoo.models.toy-forecaster.model-dir", forecasterDir::toString);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /**
     * @return test image {@code i} of the embedded Fashion-MNIST slice as PNG bytes
     */
    static byte[] png(FashionMnist data, int i) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            FashionMnistImages.image(data, i).save(out, "png");
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
