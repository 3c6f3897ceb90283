package ai.mlpzoo.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The documented JSON error body for the errors that never reach a controller: those Spring
 * forwards to {@code /error} (and {@code /error} requested directly) and those Tomcat answers
 * itself before Spring sees the request (an encoded slash or NUL in the URI, an oversized header, a
 * negative Content-Length), which Tomcat's own valve would answer with an HTML page.
 */
final class JsonErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonErrors() {}

    /** The message of an error status, in the client's terms; no server details. */
    static String message(int status) {
        if (status == 400) {
            return "malformed request: the request line, a header, the URI or the Content-Length is"
                    + " invalid or too large";
        }
        if (status == 404) {
            return "no such endpoint";
        }
        if (status == 413) {
            return "the request is larger than the limit";
        }
        if (status >= 500) {
            return "internal error";
        }
        HttpStatus s = HttpStatus.resolve(status);
        return s == null ? "error " + status : s.getReasonPhrase();
    }

    static Api.Error body(int status, String path) {
        HttpStatus s = HttpStatus.resolve(status);
        return new Api.Error(
                status,
                s == null ? "Error" : s.getReasonPhrase(),
                message(status),
                path == null ? "" : path);
    }

    /**
     * {@code /error}: the JSON error of a request Spring forwarded here, and a 404 for a client
     * asking for {@code /error} itself (Spring Boot's default answered that with a 500).
     */
    @RestController
    static class Controller implements ErrorController {

        @RequestMapping(path = "${server.error.path:/error}")
        ResponseEntity<Api.Error> error(HttpServletRequest req) {
            Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            int status = code instanceof Integer i && i >= 400 ? i : 404;
            return ResponseEntity.status(status)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(body(status, uri instanceof String u ? u : req.getRequestURI()));
        }
    }

    /** Tomcat's error report valve, writing the JSON error instead of an HTML page. */
    public static class JsonErrorReportValve extends ErrorReportValve {

        /** Created by Tomcat's host by its class name. */
        public JsonErrorReportValve() {}

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0) {
                return;
            }
            AtomicBoolean io = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, io);
            if (!io.get() || !response.setErrorReported()) {
                return;
            }
            try {
                byte[] bytes = JSON.writeValueAsBytes(body(status, request.getRequestURI()));
                response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                response.setContentLength(bytes.length);
                OutputStream out = response.getOutputStream();
                out.write(bytes);
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the response cannot be written: nothing left to tell it
            }
        }
    }

    /**
     * Closes the connection instead of reading the rest of a body the service refused as too slow
     * (408): Tomcat would otherwise drain it (up to max-swallow-size), and a client trickling that
     * rest would hold the request thread after all.
     */
    static class NoSwallowValve extends ValveBase {

        NoSwallowValve() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response)
                throws IOException, jakarta.servlet.ServletException {
            getNext().invoke(request, response);
            if (response.getStatus() == 408) {
                request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            }
        }
    }

    /**
     * Puts {@link JsonErrorReportValve} in place of Tomcat's (and of the one Spring Boot adds),
     * after Spring Boot's own customizer has run.
     */
    @Component
    static class Tomcat
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            // on the engine, so that it acts after the host's error handling: disabling the swallow
            // marks the request as failed, which within the host would add an error page
            factory.addEngineValves(new NoSwallowValve());
            factory.addContextCustomizers(
                    context -> {
                        Container parent = context.getParent();
                        for (Valve v : parent.getPipeline().getValves()) {
                            if (v instanceof ErrorReportValve) {
                                parent.getPipeline().removeValve(v);
                            }
                        }
                        if (parent instanceof StandardHost host) {
                            // the host adds this class at start when its pipeline has none
                            host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                        } else {
                            parent.getPipeline().addValve(new JsonErrorReportValve());
                        }
                    });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
