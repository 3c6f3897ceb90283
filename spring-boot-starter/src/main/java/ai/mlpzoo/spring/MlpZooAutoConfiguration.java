package ai.mlpzoo.spring;

import ai.djl.repository.zoo.ZooModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Spring Boot auto-configuration of the mlp-zoo (registered in {@code
 * META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}): every model
 * under {@code mlpzoo.models.<id>} is loaded at startup into {@link MlpZooModels}, with a bounded
 * {@link PredictorPool}, and closed at shutdown. Each model is also a {@link ZooModel} bean named
 * {@code mlpzoo.model.<id>} and a {@link PredictorPool} bean named {@code mlpzoo.pool.<id>} (the
 * first configured model is primary). With Micrometer, predictions are timed ({@value
 * MicrometerPredictionMetrics#TIMER}); with the actuator, a health indicator reports the pools.
 */
@AutoConfiguration
@ConditionalOnClass(ZooModel.class)
@ConditionalOnProperty(
        prefix = "mlpzoo",
        name = "enabled",
        havingValue = "true",
        matchIfMissing = true)
@EnableConfigurationProperties(MlpZooProperties.class)
public class MlpZooAutoConfiguration {

    /** The registry's bean name. */
    public static final String MODELS_BEAN = "mlpZooModels";

    /**
     * @param properties the configuration
     * @param metrics the metrics, when configured
     * @return every configured model, loaded
     * @throws IOException naming the model that cannot be loaded
     */
    @Bean(name = MODELS_BEAN, destroyMethod = "close")
    @ConditionalOnMissingBean
    public MlpZooModels mlpZooModels(
            MlpZooProperties properties, ObjectProvider<PredictionMetrics> metrics)
            throws IOException {
        return MlpZooModels.load(properties, metrics.getIfAvailable(() -> PredictionMetrics.NONE));
    }

    /**
     * @param environment where the model ids are read
     * @return the registrar of one ZooModel and one PredictorPool bean per model
     */
    @Bean
    public static BeanDefinitionRegistryPostProcessor mlpZooModelBeans(Environment environment) {
        return new ModelBeans(environment);
    }

    /** Micrometer timers of the predictions. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PredictionMetrics mlpZooPredictionMetrics(ObjectProvider<MeterRegistry> registry) {
            MeterRegistry r = registry.getIfUnique();
            return r == null ? PredictionMetrics.NONE : new MicrometerPredictionMetrics(r);
        }
    }

    /** The actuator's health indicator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "mlpZooHealthIndicator")
        MlpZooHealthIndicator mlpZooHealthIndicator(MlpZooModels models) {
            return new MlpZooHealthIndicator(models);
        }
    }

    /**
     * Registers each configured model's ZooModel and PredictorPool as beans, views of {@link
     * MlpZooModels}.
     */
    static final class ModelBeans implements BeanDefinitionRegistryPostProcessor {

        private final Environment environment;

        ModelBeans(Environment environment) {
            this.environment = environment;
        }

        @Override
        public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
            MlpZooProperties p =
                    Binder.get(environment)
                            .bind("mlpzoo", MlpZooProperties.class)
                            .orElseGet(MlpZooProperties::new);
            if (!p.isEnabled() || !(registry instanceof BeanFactory factory)) {
                return;
            }
            boolean first = true;
            for (String id : p.getModels().keySet()) {
                RootBeanDefinition model = new RootBeanDefinition(ZooModel.class);
                model.setInstanceSupplier(
                        () -> factory.getBean(MODELS_BEAN, MlpZooModels.class).get(id).model());
                RootBeanDefinition pool = new RootBeanDefinition(PredictorPool.class);
                pool.setInstanceSupplier(
                        () -> factory.getBean(MODELS_BEAN, MlpZooModels.class).get(id).pool());
                for (RootBeanDefinition d : new RootBeanDefinition[] {model, pool}) {
                    d.setDependsOn(MODELS_BEAN);
                    d.setDestroyMethodName(""); // MlpZooModels closes them
                    d.setPrimary(first);
                    d.setLazyInit(true);
                }
                registry.registerBeanDefinition("mlpzoo.model." + id, model);
                registry.registerBeanDefinition("mlpzoo.pool." + id, pool);
                first = false;
            }
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
    }
}
