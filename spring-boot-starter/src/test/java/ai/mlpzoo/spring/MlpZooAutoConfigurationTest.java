package ai.mlpzoo.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.FashionMnist;
import ai.mlpzoo.data.FashionMnistImages;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configuration on a real zoo model: beans, pool bounds, metrics, health, shutdown, bad
 * configuration.
 */
class MlpZooAutoConfigurationTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(MlpZooAutoConfiguration.class))
                    .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                    .withPropertyValues(
                            "mlpzoo.pool-size=2",
                            "mlpzoo.borrow-timeout=200ms",
                            "mlpzoo.models.gmlp.artifact-id=gmlp",
                            "mlpzoo.models.gmlp.filters.variant=fmnist");

    @Test
    void modelPoolMetricsAndHealth() {
        runner.run(
                ctx -> {
                    assertThat(ctx).hasNotFailed();
                    MlpZooModels models = ctx.getBean(MlpZooModels.class);
                    ServedModel m = models.get("gmlp");
                    assertEquals(ModelKind.IMAGE_CLASSIFIER, m.kind());
                    assertSame(m.model(), ctx.getBean(ZooModel.class));
                    assertSame(m.model(), ctx.getBean("mlpzoo.model.gmlp"));
                    PredictorPool<?, ?> pool = ctx.getBean("mlpzoo.pool.gmlp", PredictorPool.class);
                    assertEquals(2, pool.size());
                    assertEquals(2, pool.available());
                    assertEquals(
                            java.util.List.of(1L, 28L, 28L),
                            java.util.Arrays.stream(m.inputShape().getShape()).boxed().toList());

                    FashionMnist data = FashionMnist.embeddedTestSlice();
                    int correct = 0;
                    for (int i = 0; i < 50; i++) {
                        Classifications c = m.classify(FashionMnistImages.image(data, i));
                        correct +=
                                c.best()
                                                .getClassName()
                                                .equals(FashionMnist.CLASSES[data.labels()[i]])
                                        ? 1
                                        : 0;
                    }
                    assertTrue(
                            correct >= 40,
                            "the pretrained gMLP classifies " + correct + " of 50 test images");

                    Timer t =
                            ctx.getBean(MeterRegistry.class)
                                    .get(MicrometerPredictionMetrics.TIMER)
                                    .tag("model", "gmlp")
                                    .tag("outcome", "success")
                                    .timer();
                    assertEquals(50, t.count());
                    assertTrue(t.totalTime(TimeUnit.NANOSECONDS) > 0);

                    Health h = ctx.getBean(MlpZooHealthIndicator.class).health();
                    assertEquals(Status.UP, h.getStatus());
                    assertThat(h.getDetails()).containsKey("gmlp");
                });
    }

    /** A request thread (here a new one) stops recording autograd graphs when it predicts. */
    @Test
    void aRequestThreadDoesNotRecordGradients() {
        runner.run(
                ctx -> {
                    ServedModel m = ctx.getBean(MlpZooModels.class).get("gmlp");
                    FashionMnist data = FashionMnist.embeddedTestSlice();
                    String expected =
                            m.classify(FashionMnistImages.image(data, 0)).best().getClassName();
                    java.util.List<Object> seen = new java.util.ArrayList<>();
                    Thread t =
                            new Thread(
                                    () -> {
                                        seen.add(ai.mlpzoo.zoo.InferenceThreads.recordsGradients());
                                        try {
                                            seen.add(
                                                    m.classify(FashionMnistImages.image(data, 0))
                                                            .best()
                                                            .getClassName());
                                        } catch (Exception e) {
                                            seen.add(e);
                                        }
                                        seen.add(ai.mlpzoo.zoo.InferenceThreads.recordsGradients());
                                    });
                    t.start();
                    t.join();
                    assertEquals(java.util.List.of(true, expected, false), seen);
                });
    }

    @Test
    void poolIsBoundedAndClosedOnShutdown() throws Exception {
        ServedModel[] kept = new ServedModel[1];
        runner.run(
                ctx -> {
                    ServedModel m = ctx.getBean(MlpZooModels.class).get("gmlp");
                    kept[0] = m;
                    @SuppressWarnings("unchecked")
                    PredictorPool<Image, Classifications> pool =
                            (PredictorPool<Image, Classifications>) m.pool();
                    Image img = FashionMnistImages.image(FashionMnist.embeddedTestSlice(), 0);
                    CountDownLatch holding = new CountDownLatch(2);
                    CountDownLatch release = new CountDownLatch(1);
                    ExecutorService ex = Executors.newFixedThreadPool(2);
                    try {
                        Future<?>[] busy = new Future<?>[2];
                        for (int i = 0; i < 2; i++) {
                            busy[i] =
                                    ex.submit(
                                            () ->
                                                    pool.apply(
                                                            p -> {
                                                                holding.countDown();
                                                                try {
                                                                    release.await();
                                                                } catch (InterruptedException e) {
                                                                    throw new IllegalStateException(
                                                                            e);
                                                                }
                                                                return p.predict(img);
                                                            }));
                        }
                        assertTrue(holding.await(10, TimeUnit.SECONDS));
                        assertEquals(0, pool.available());
                        long t0 = System.nanoTime();
                        PoolExhaustedException e =
                                assertThrows(PoolExhaustedException.class, () -> pool.predict(img));
                        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(150).toNanos());
                        assertTrue(
                                e.getMessage().contains("all 2 predictors stayed busy"),
                                e.getMessage());
                        release.countDown();
                        for (Future<?> f : busy) {
                            f.get(10, TimeUnit.SECONDS);
                        }
                        assertEquals(2, pool.available());
                    } finally {
                        ex.shutdownNow();
                    }
                });
        // the context is closed: the pools are closed and refuse work
        assertFalse(kept[0].isOpen());
        assertThrows(PoolExhaustedException.class, () -> kept[0].classify(null));
    }

    @Test
    void badConfigurationFailsNamingTheModel() {
        runner.withPropertyValues("mlpzoo.models.nope.artifact-id=no-such-artifact")
                .run(
                        ctx -> {
                            assertThat(ctx).hasFailed();
                            String msg = rootMessage(ctx.getStartupFailure());
                            assertTrue(
                                    msg.contains("mlpzoo.models.nope")
                                            && msg.contains("no-such-artifact"),
                                    msg);
                        });
        runner.withPropertyValues(
                        "mlpzoo.models.both.artifact-id=mixer", "mlpzoo.models.both.model-dir=/tmp")
                .run(
                        ctx -> {
                            assertThat(ctx).hasFailed();
                            assertTrue(
                                    rootMessage(ctx.getStartupFailure())
                                            .contains(
                                                    "set exactly one of artifact-id and model-dir"));
                        });
        runner.withPropertyValues("mlpzoo.models.Bad/Id.artifact-id=mixer")
                .run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void disabled() {
        runner.withPropertyValues("mlpzoo.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(MlpZooModels.class));
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
