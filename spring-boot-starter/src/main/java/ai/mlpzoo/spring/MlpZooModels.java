package ai.mlpzoo.spring;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every model configured under {@code mlpzoo.models}, loaded at startup and closed at shutdown.
 * Models are found by id in this map only; an id is never turned into a path.
 */
public final class MlpZooModels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MlpZooModels.class);

    /** What a model id may look like. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private final Map<String, ServedModel> models;

    private MlpZooModels(Map<String, ServedModel> models) {
        this.models = Collections.unmodifiableMap(models);
    }

    /**
     * Loads every configured model; when one fails the ones already loaded are closed.
     *
     * @param properties the configuration
     * @param metrics where predictions are reported
     * @return the loaded models
     * @throws IOException naming the model that cannot be loaded
     */
    public static MlpZooModels load(MlpZooProperties properties, PredictionMetrics metrics)
            throws IOException {
        Map<String, ServedModel> loaded = new LinkedHashMap<>();
        try {
            if (properties.isEnabled()) {
                for (Map.Entry<String, MlpZooProperties.Model> e :
                        properties.getModels().entrySet()) {
                    String id = e.getKey();
                    if (!ID.matcher(id).matches()) {
                        throw new IOException(
                                "mlpzoo.models."
                                        + id
                                        + ": a model id is 1-64 characters of a-z, 0-9, '_', '.', '-'");
                    }
                    long t0 = System.nanoTime();
                    ServedModel m = ServedModel.load(id, e.getValue(), properties, metrics);
                    loaded.put(id, m);
                    LOG.info(
                            "mlp-zoo model {} ({}, {}, on {}) loaded in {} ms",
                            id,
                            m.kind(),
                            m.source(),
                            m.engine(),
                            (System.nanoTime() - t0) / 1_000_000);
                }
            }
        } catch (IOException | RuntimeException e) {
            loaded.values().forEach(ServedModel::close);
            throw e;
        }
        return new MlpZooModels(loaded);
    }

    /**
     * @param id a model id, as the client sent it
     * @return the model, if one is configured under that id
     */
    public Optional<ServedModel> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(models.get(id));
    }

    /**
     * @param id a model id
     * @return the model
     * @throws UnknownModelException when no model has that id
     */
    public ServedModel get(String id) {
        return find(id).orElseThrow(() -> new UnknownModelException(id, models.keySet()));
    }

    /**
     * @return the models, in configuration order
     */
    public Collection<ServedModel> all() {
        return models.values();
    }

    /**
     * @return the ids, in configuration order
     */
    public List<String> ids() {
        return new ArrayList<>(models.keySet());
    }

    /** Closes every model and its pools. */
    @Override
    public void close() {
        for (ServedModel m : models.values()) {
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.warn("closing model {}: {}", m.id(), e.toString());
            }
        }
    }
}
