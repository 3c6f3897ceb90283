package ai.mlpzoo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service's contract with hostile clients: no server file paths in any answer, and the
 * documented JSON error body even for requests Tomcat refuses before Spring sees them.
 */
class ServiceContractTest extends ServiceTestBase {

    private static final String TMP =
            Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString();
    private static final String CWD = Paths.get("").toAbsolutePath().toString();

    @Test
    void listingShowsNoServerPaths() throws Exception {
        HttpResponse<String> r = get("/v1/models");
        assertEquals(200, r.statusCode());
        assertFalse(r.body().contains(TMP), r.body());
        assertFalse(r.body().contains(CWD), r.body());
        for (JsonNode m : json(r).get("served")) {
            if (m.get("id").asText().equals("toy-sae")) {
                assertEquals("model directory toy-sae", m.get("source").asText());
            }
        }
    }

    @Test
    void healthShowsNoServerPaths() throws Exception {
        HttpResponse<String> r = get("/actuator/health");
        assertEquals(200, r.statusCode());
        assertFalse(r.body().contains(TMP), r.body());
        assertFalse(r.body().contains(CWD), r.body());
        assertFalse(r.body().contains("diskSpace"), r.body());
        assertEquals(
                "model directory toy-sae",
                json(r).at("/components/mlpZoo/details/toy-sae/source").asText(),
                r.body());
    }

    @Test
    void errorPathIsAJson404() throws Exception {
        HttpResponse<String> r = get("/error");
        assertEquals(404, r.statusCode(), r.body());
        assertEquals(404, json(r).get("status").asInt());
        assertEquals("no such endpoint", json(r).get("message").asText());
    }

    /** Requests Tomcat refuses itself: each must get the JSON error, not Tomcat's HTML page. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET /v1/models/a%2Fb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /v1/models/a%00b/predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "POST /v1/models/mixer-fmnist/predict HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: -5\r\n"
                        + "Connection: close\r\n\r\n",
                "BIGHEADER",
                "GET /v1/models/\u0001 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            })
    void malformedRequestsGetTheJsonError(String request) throws Exception {
        String req =
                request.equals("BIGHEADER")
                        ? "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: "
                                + "a".repeat(100_000)
                                + "\r\nConnection: close\r\n\r\n"
                        : request;
        String answer = raw(req.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        String lower = answer.toLowerCase(java.util.Locale.ROOT);
        assertTrue(lower.contains("content-type: application/json"), answer);
        assertFalse(lower.contains("<html"), answer);
        JsonNode body = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertEquals(400, body.get("status").asInt(), answer);
        assertTrue(body.get("message").asText().startsWith("malformed request"), answer);
    }

    /**
     * Sends raw bytes to the service and reads the answer until the server closes (10 s at most).
     */
    String raw(byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may refuse (and close) before the whole request is written
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // what arrived is the answer
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
