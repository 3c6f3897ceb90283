package ai.mlpzoo.zoo;

import ai.djl.repository.MRL;
import ai.djl.repository.zoo.ModelZoo;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mlp-zoo as a DJL {@link ModelZoo}, group id {@value #GROUP_ID}: one {@link MlpZooModelLoader}
 * per artifact of a {@link ClasspathRepository}. DJL finds the standard instance through {@link
 * MlpZooProvider}; tests and other packagings can pass their own repository to {@code
 * Criteria.optModelZoo}.
 */
public class MlpModelZoo extends ModelZoo {

    /** The group id. */
    public static final String GROUP_ID = "ai.mlpzoo";

    private static final Logger logger = LoggerFactory.getLogger(MlpModelZoo.class);

    private final ClasspathRepository repository;
    private final IOException failure;

    /**
     * The zoo of the mlp-zoo jar. A broken index must not break DJL's zoo discovery for every other
     * zoo, so it is logged here and reported by {@link #repository()}.
     */
    public MlpModelZoo() {
        ClasspathRepository repo = null;
        IOException error = null;
        try {
            repo = ClasspathRepository.standard();
        } catch (IOException e) {
            logger.warn("mlp-zoo: cannot read the model index: {}", e.getMessage());
            error = e;
        }
        repository = repo;
        failure = error;
        register();
    }

    /**
     * A zoo over a given repository.
     *
     * @param repository the packaged models
     */
    public MlpModelZoo(ClasspathRepository repository) {
        this.repository = repository;
        this.failure = null;
        register();
    }

    private void register() {
        if (repository != null) {
            for (MRL mrl : repository.getResources()) {
                addModel(new MlpZooModelLoader(mrl, repository.index()));
            }
        }
    }

    /**
     * @return the repository
     * @throws IOException when the index could not be read
     */
    public ClasspathRepository repository() throws IOException {
        if (repository == null) {
            throw failure;
        }
        return repository;
    }

    @Override
    public String getGroupId() {
        return GROUP_ID;
    }

    @Override
    public Set<String> getSupportedEngines() {
        return Set.of("PyTorch", "OnnxRuntime"); // OnnxRuntime: directories with model.onnx
    }
}
