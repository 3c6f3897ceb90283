package ai.mlpzoo.cli;

import ai.mlpzoo.service.MlpZooServiceApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code mlpzoo serve}: the example REST service (Spring Boot) on an address and port, until the
 * process is stopped (Ctrl-C, SIGTERM).
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Start the REST service: POST /v1/models/{id}/predict (PNG, JPEG or JSON tensor), "
                    + "POST /v1/models/{id}/features (SAE), GET /v1/models, /actuator/health.",
            "Further Spring Boot arguments pass through, e.g. --mlpzoo.pool-size=4 "
                    + "--mlpzoo.models.my-sae.model-dir=DIR."
        })
final class ServeCommand implements Callable<Integer> {

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Unmatched List<String> springArgs = new ArrayList<>();

    /** Told of the running service, for tests (which then close it to end the command). */
    static volatile java.util.function.Consumer<ConfigurableApplicationContext> onStarted =
            ctx -> {};

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--host must not be empty");
        }
        for (String a : springArgs) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException(
                        "unexpected argument '"
                                + a
                                + "'; Spring Boot properties are passed as --name=value");
            }
        }
        // concurrent requests are the parallelism: one PyTorch thread per request serves the
        // 8-client
        // load at 461 req/s (p99 42 ms) against 231 req/s (p99 64 ms) with the default two
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        // Spring's "Started ... in X seconds" line, whatever the launcher's default log level
        System.setProperty(
                "org.slf4j.simpleLogger.log." + MlpZooServiceApplication.class.getName(), "info");
        System.setProperty("org.slf4j.simpleLogger.log.ai.mlpzoo.spring", "info");
        // A start-up failure is reported once, as one line, by the catch below: Spring's own report
        // (a failure analysis or a 60-line stack trace) is silenced.
        System.setProperty(
                "org.slf4j.simpleLogger.log.org.springframework.boot.SpringApplication", "off");
        System.setProperty(
                "org.slf4j.simpleLogger.log.org.springframework.boot.diagnostics", "off");
        long t0 = System.nanoTime();
        ConfigurableApplicationContext ctx;
        try {
            // embedded Tomcat does not need its own URL stream handler factory (that is for war:
            // URLs), and the JVM allows one: Spark (spark-score, Hadoop's FsUrlStreamHandler)
            // may have set it in the same process, and Tomcat's start then fails
            org.apache.catalina.webresources.TomcatURLStreamHandlerFactory.disable();
            ctx = MlpZooServiceApplication.start(host, port, springArgs.toArray(new String[0]));
        } catch (RuntimeException e) {
            throw new IllegalStateException("the service did not start: " + startFailure(e), e);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        int actual =
                ctx instanceof WebServerApplicationContext w ? w.getWebServer().getPort() : port;
        CountDownLatch closed = new CountDownLatch(1);
        ctx.addApplicationListener(
                e -> {
                    if (e instanceof ContextClosedEvent) {
                        closed.countDown();
                    }
                });
        System.out.printf(
                Locale.ROOT,
                "mlpzoo serve: listening on http://%s:%d (started in %.2f s); models: GET /v1/models%n",
                host.contains(":") ? "[" + host + "]" : host,
                actual,
                s);
        System.out.flush();
        onStarted.accept(ctx);
        if (ctx.isActive()) {
            closed.await();
        }
        return 0;
    }

    /**
     * The cause worth showing of a failed start: a port in use says which and what to do; anything
     * else gives its deepest message (Spring's outer ones say only which bean failed).
     */
    static String startFailure(Throwable e) {
        String deepest = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.springframework.boot.web.server.PortInUseException p) {
                return "port "
                        + p.getPort()
                        + " is already in use; choose another --port (0 picks a free one)";
            }
            if (t.getMessage() != null) {
                deepest = t.getMessage();
            }
        }
        return deepest == null ? e.getClass().getSimpleName() : deepest;
    }
}
