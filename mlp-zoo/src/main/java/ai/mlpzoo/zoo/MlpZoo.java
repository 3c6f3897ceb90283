package ai.mlpzoo.zoo;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.util.List;

/**
 * The mlp-zoo from Java. Models are found the DJL way:
 *
 * <pre>{@code
 * Criteria<Image, Classifications> c = Criteria.builder()
 *         .setTypes(Image.class, Classifications.class)
 *         .optGroupId("ai.mlpzoo").optArtifactId("mixer").optFilter("variant", "fmnist")
 *         .build();
 * try (ZooModel<Image, Classifications> model = c.loadModel()) { ... }
 * }</pre>
 *
 * and {@code NDList -> NDList} for raw tensors. Architecture-only variants (timm's ImageNet sizes)
 * come with timm's random initialisation; for trained weights import a checkpoint ({@code mlpzoo
 * import --format timm <ckpt> --out <dir>}) and load {@code Criteria.optModelPath(dir)} with {@code
 * optTranslatorFactory(new ImageClassifierFactory())}.
 *
 * <p>DJL's Criteria reports an unknown artifact id with its own fixed message, before any zoo is
 * asked; {@link #loadModel(Criteria)} loads the same model but names what exists when nothing
 * matches.
 */
public final class MlpZoo {

    private MlpZoo() {}

    /**
     * @return the zoo registered with DJL
     * @throws IOException when its index cannot be read
     */
    public static ClasspathRepository repository() throws IOException {
        ModelZoo zoo = ModelZoo.getModelZoo(MlpModelZoo.GROUP_ID);
        if (!(zoo instanceof MlpModelZoo)) {
            throw new IOException(
                    "the mlp-zoo is not registered with DJL (META-INF/services missing?)");
        }
        return ((MlpModelZoo) zoo).repository();
    }

    /**
     * @return every packaged model, in index order
     * @throws IOException when the index cannot be read
     */
    public static List<ZooEntry> entries() throws IOException {
        return repository().index().entries();
    }

    /**
     * Loads a model as {@code criteria.loadModel()} does, but when the criteria name the mlp-zoo's
     * group and nothing in it matches, the exception lists every artifact, variant and filter.
     *
     * @param criteria the lookup
     * @param <I> the input type
     * @param <O> the output type
     * @return the model
     * @throws ModelNotFoundException listing what exists when nothing matches
     * @throws IOException when the files cannot be read
     * @throws MalformedModelException when the model is malformed
     */
    public static <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria)
            throws ModelNotFoundException, MalformedModelException, IOException {
        if (MlpModelZoo.GROUP_ID.equals(criteria.getGroupId())) {
            ZooIndex index = repository().index();
            if (index.match(criteria.getArtifactId(), criteria.getFilters()).isEmpty()) {
                throw new ModelNotFoundException(
                        index.explainNoMatch(criteria.getArtifactId(), criteria.getFilters()));
            }
        }
        return criteria.loadModel();
    }
}
