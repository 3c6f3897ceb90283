package ai.mlpzoo.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Predictions as Micrometer meters: timer {@code mlpzoo.predictions} (count, total and max time,
 * percentiles histogram) tagged with {@code model} and {@code outcome} (success, error).
 */
public final class MicrometerPredictionMetrics implements PredictionMetrics {

    /** The timer's name. */
    public static final String TIMER = "mlpzoo.predictions";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    /**
     * @param registry the registry
     */
    public MicrometerPredictionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void record(String model, long nanos, boolean success) {
        String outcome = success ? "success" : "error";
        timers.computeIfAbsent(
                        model + '\0' + outcome,
                        k ->
                                Timer.builder(TIMER)
                                        .description("Predictions run by mlp-zoo models")
                                        .tag("model", model)
                                        .tag("outcome", outcome)
                                        .publishPercentileHistogram()
                                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
