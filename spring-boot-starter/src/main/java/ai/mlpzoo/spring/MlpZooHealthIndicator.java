package ai.mlpzoo.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health of the zoo models: UP while every model's pools are open, with each model's kind, source
 * and free predictors; DOWN once any pool is closed.
 */
public class MlpZooHealthIndicator extends AbstractHealthIndicator {

    private final MlpZooModels models;

    /**
     * @param models the models
     */
    public MlpZooHealthIndicator(MlpZooModels models) {
        super("mlp-zoo health check failed");
        this.models = models;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean up = true;
        for (ServedModel m : models.all()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("kind", m.kind().name());
            d.put("source", m.source());
            d.put("predictors", m.pool().size());
            d.put("available", m.pool().available());
            d.put("open", m.isOpen());
            up &= m.isOpen();
            builder.withDetail(m.id(), d);
        }
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
