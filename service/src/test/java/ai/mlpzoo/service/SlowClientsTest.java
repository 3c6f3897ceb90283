package ai.mlpzoo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Clients that send their headers and then trickle the body a byte at a time must not make the
 * service unresponsive: with 20 request threads, 40 such connections, and a normal request must
 * still be answered within a few seconds.
 */
@TestPropertySource(
        properties = {"server.tomcat.threads.max=20", "mlpzoo.service.body-read-timeout=1s"})
class SlowClientsTest extends ServiceTestBase {

    @Test
    void trickledBodiesDoNotStallTheService() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        Thread trickler = null;
        try {
            for (int i = 0; i < 40; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(20_000);
                s.getOutputStream()
                        .write(
                                ("POST /v1/models/mixer-fmnist/predict HTTP/1.1\r\nHost: x\r\n"
                                                + "Content-Type: application/json\r\n"
                                                + "Content-Length: 100000\r\n\r\n{\"data\":[")
                                        .getBytes(StandardCharsets.US_ASCII));
                sockets.add(s);
            }
            trickler =
                    new Thread(
                            () -> {
                                long end = System.nanoTime() + 20_000_000_000L;
                                while (System.nanoTime() < end) {
                                    for (Socket s : sockets) {
                                        try {
                                            OutputStream out = s.getOutputStream();
                                            out.write('0');
                                            out.write(',');
                                            out.flush();
                                        } catch (IOException e) {
                                            // the server gave up on this one: as it should
                                        }
                                    }
                                    try {
                                        Thread.sleep(200);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            });
            trickler.setDaemon(true);
            trickler.start();
            Thread.sleep(500);

            long t0 = System.nanoTime();
            HttpResponse<String> r =
                    HTTP.send(
                            HttpRequest.newBuilder(uri("/v1/models"))
                                    .timeout(Duration.ofSeconds(8))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(200, r.statusCode());
            assertTrue(seconds < 6, "a normal request took " + seconds + " s");

            // and a trickling client is told why
            String answer =
                    new String(
                            sockets.get(0).getInputStream().readAllBytes(),
                            StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertEquals(1, answer.split("\"status\"").length - 1, "one JSON body: " + answer);
            assertTrue(
                    answer.contains(
                            "\"message\":\"the request body did not arrive within 1000 ms"
                                    + " (mlpzoo.service.body-read-timeout)\","
                                    + "\"path\":\"/v1/models/mixer-fmnist/predict\"}"),
                    answer);
        } finally {
            if (trickler != null) {
                trickler.interrupt();
            }
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
