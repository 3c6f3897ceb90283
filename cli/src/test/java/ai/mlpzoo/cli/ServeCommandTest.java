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
