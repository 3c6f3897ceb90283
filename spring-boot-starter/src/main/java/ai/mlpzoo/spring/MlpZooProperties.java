package ai.mlpzoo.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mlpzoo.*} properties: which models to load and how many predictors each may run at
 * once.
 *
 * <pre>
 * mlpzoo.engine=auto
 * mlpzoo.pool-size=4
 * mlpzoo.borrow-timeout=10s
 * mlpzoo.models.mixer-fmnist.artifact-id=mixer
 * mlpzoo.models.mixer-fmnist.filters.variant=fmnist
 * mlpzoo.models.my-sae.model-dir=/models/my-sae
 * </pre>
 *
 * A model is named by its key under {@code mlpzoo.models}; that id is only ever looked up in this
 * map, never turned into a file path.
 */
@ConfigurationProperties(prefix = "mlpzoo")
public class MlpZooProperties {

    /** Whether the zoo models are loaded at all. */
    private boolean enabled = true;

    /**
     * The DJL engine every model runs on unless it names its own; unset or {@code auto}: ONNX
     * Runtime for an image classifier that ships a {@code model.onnx} when that engine is on the
     * classpath, else DJL's default (PyTorch).
     */
    private String engine;

    /** Predictors per model, the most requests one model serves at the same time. */
    private int poolSize = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** How long a request waits for a free predictor before it is refused (503). */
    private Duration borrowTimeout = Duration.ofSeconds(10);

    /** The models, by id. */
    private Map<String, Model> models = new LinkedHashMap<>();

    /** One model: a zoo artifact with filters, or a model directory. */
    public static class Model {

        /** The mlp-zoo artifact id (mixer, resmlp, gmlp, ...); exclusive with model-dir. */
        private String artifactId;

        /** Criteria filters, e.g. variant=fmnist. */
        private Map<String, String> filters = new LinkedHashMap<>();

        /**
         * An mlp-zoo model directory (from mlpzoo import or training); exclusive with artifact-id.
         */
        private Path modelDir;

        /** What the model does; AUTO reads it from the model. */
        private ModelKind kind = ModelKind.AUTO;

        /** This model's engine (null: mlpzoo.engine; {@code auto} as there). */
        private String engine;

        /** This model's pool size (null: mlpzoo.pool-size). */
        private Integer poolSize;

        public String getArtifactId() {
            return artifactId;
        }

        public void setArtifactId(String artifactId) {
            this.artifactId = artifactId;
        }

        public Map<String, String> getFilters() {
            return filters;
        }

        public void setFilters(Map<String, String> filters) {
            this.filters = filters;
        }

        public Path getModelDir() {
            return modelDir;
        }

        public void setModelDir(Path modelDir) {
            this.modelDir = modelDir;
        }

        public ModelKind getKind() {
            return kind;
        }

        public void setKind(ModelKind kind) {
            this.kind = kind;
        }

        public String getEngine() {
            return engine;
        }

        public void setEngine(String engine) {
            this.engine = engine;
        }

        public Integer getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(Integer poolSize) {
            this.poolSize = poolSize;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getEngine() {
        return engine;
    }

    public void setEngine(String engine) {
        this.engine = engine;
    }

    public int getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    public Duration getBorrowTimeout() {
        return borrowTimeout;
    }

    public void setBorrowTimeout(Duration borrowTimeout) {
        this.borrowTimeout = borrowTimeout;
    }

    public Map<String, Model> getModels() {
        return models;
    }

    public void setModels(Map<String, Model> models) {
        this.models = models;
    }
}
