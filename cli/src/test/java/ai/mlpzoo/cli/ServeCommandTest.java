package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code mlpzoo serve}: the service answers on the address and port asked for, and stops cleanly;
 * bad options are refused.
 */
class ServeCommandTest {

    @Test
    void servesUntilClosed() throws Exception {
        CompletableFuture<ConfigurableApplicationContext> started = new CompletableFuture<>();
        ServeCommand.onStarted = started::complete;
        try {
            CompletableFuture<Integer> exit =
                    CompletableFuture.supplyAsync(
                            () ->
                                    MlpZooCli.run(
                                            "serve",
                                            "--host",
                                            "127.0.0.1",
                                            "--port",
                                            "0",
                                            "--mlpzoo.pool-size=2"));
            ConfigurableApplicationContext ctx = started.get(120, TimeUnit.SECONDS);
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            assertTrue(port > 0);
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/v1/models"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(
                    r.body().contains("\"id\":\"mixer-fmnist\"")
                            && r.body().contains("\"predictors\":2"),
                    r.body());
            // the zoo's classifiers ship model.onnx and this classpath has ONNX Runtime: the
            // service runs them there by itself, with the answers PyTorch gives
            String served = r.body().substring(0, r.body().indexOf("\"zoo\""));
            assertTrue(served.contains("\"predictors\":2,\"engine\":\"OnnxRuntime\""), served);
            byte[] png = samplePng();
            HttpResponse<String> p =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/v1/models/mixer-fmnist/predict?k=1"))
                                            .header("Content-Type", "image/png")
                                            .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, p.statusCode(), p.body());
            Classifications.Classification best = onPyTorch(png);
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile(
                                    "\"label\":\"([^\"]+)\",\"index\":\\d+,\"probability\":([0-9.eE-]+)")
                            .matcher(p.body());
            assertTrue(m.find(), p.body());
            assertEquals(best.getClassName(), m.group(1), p.body());
            assertEquals(best.getProbability(), Double.parseDouble(m.group(2)), 1e-5, p.body());
            ctx.close();
            assertEquals(0, exit.get(60, TimeUnit.SECONDS));
        } finally {
            ServeCommand.onStarted = ctx -> {};
        }
    }

    /** A 28 x 28 grey PNG with a bright upright bar: some garment to the Mixer. */
    private static byte[] samplePng() throws java.io.IOException {
        java.awt.image.BufferedImage img =
                new java.awt.image.BufferedImage(
                        28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 2; y < 26; y++) {
            for (int x = 9; x < 19; x++) {
                img.getRaster().setSample(x, y, 0, 200);
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** The same image through the zoo's Mixer on PyTorch, in this JVM. */
    private static Classifications.Classification onPyTorch(byte[] png) throws Exception {
        Criteria<Image, Classifications> c =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("ai.mlpzoo")
                        .optArtifactId("mixer")
                        .optFilter("variant", "fmnist")
                        .optEngine("PyTorch")
                        .build();
        try (ZooModel<Image, Classifications> model = c.loadModel();
                Predictor<Image, Classifications> pr = model.newPredictor()) {
            Image image =
                    ImageFactory.getInstance()
                            .fromInputStream(new java.io.ByteArrayInputStream(png));
            return pr.predict(image).best();
        }
    }

    /** A port in use is one line naming the port, not Spring's 60-line report. */
    @Test
    void startFailureIsOneLine() throws Exception {
        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            System.setErr(new java.io.PrintStream(captured, true, "UTF-8"));
            try {
                CliAssertions.assertCliError(
                        "the service did not start: port " + port + " is already in use",
                        "serve",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        String.valueOf(port),
                        "--mlpzoo.pool-size=1");
            } finally {
                System.setErr(realErr);
            }
        }
        String logged = captured.toString("UTF-8");
        assertTrue(!logged.contains("\tat "), "no stack trace: " + logged);
        assertTrue(!logged.contains("APPLICATION FAILED TO START"), logged);
    }

    @Test
    void badOptions() {
        for (String[] args :
                new String[][] {
                    {"serve", "--port", "70000"}, {"serve", "--host", " "}, {"serve", "stray"}
                }) {
            CliAssertions.assertCliError("", args);
        }
    }
}
