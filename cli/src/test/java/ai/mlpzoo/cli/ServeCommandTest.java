package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            ctx.close();
            assertEquals(0, exit.get(60, TimeUnit.SECONDS));
        } finally {
            ServeCommand.onStarted = ctx -> {};
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
