package ai.mlpzoo.service;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example mlp-zoo REST service: {@code POST /v1/models/{id}/predict} (an image or a tensor in,
 * the top-k classes out), {@code POST /v1/models/{id}/features} (SAE features of an activation
 * vector) and {@code GET /v1/models} (the served models and the zoo). The models are those of
 * {@code mlpzoo.models.*} (application.properties: the Fashion-MNIST Mixer, ResMLP and gMLP).
 */
@SpringBootApplication
@EnableConfigurationProperties(ServiceProperties.class)
public class MlpZooServiceApplication {

    /**
     * Runs the service.
     *
     * @param args Spring Boot arguments, e.g. {@code --server.port=9090}
     */
    public static void main(String[] args) {
        SpringApplication.run(MlpZooServiceApplication.class, args);
    }

    /**
     * Starts the service on an address and port (what {@code mlpzoo serve} does).
     *
     * @param host the address to listen on
     * @param port the port (0: any free port)
     * @param extraArgs further Spring Boot arguments
     * @return the running application
     */
    public static ConfigurableApplicationContext start(String host, int port, String... extraArgs) {
        List<String> args = new ArrayList<>();
        args.add("--server.address=" + host);
        args.add("--server.port=" + port);
        args.addAll(List.of(extraArgs));
        SpringApplication app = new SpringApplication(MlpZooServiceApplication.class);
        app.setMainApplicationClass(
                MlpZooServiceApplication.class); // its logger reports "Started ... in X seconds"
        return app.run(args.toArray(new String[0]));
    }
}
