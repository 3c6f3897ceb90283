package ai.mlpzoo.zoo;

import ai.djl.MalformedModelException;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.BaseModelLoader;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;

/**
 * DJL's {@link BaseModelLoader} for one artifact of the zoo, except that a lookup whose filters
 * match no variant says what exists instead of DJL's bare "No matching filter found". (DJL's
 * Criteria tries the next artifact on this exception and reports the last one as the cause.)
 */
public class MlpZooModelLoader extends BaseModelLoader {

    private final ZooIndex index;

    /**
     * @param mrl the artifact, in a {@link ClasspathRepository}
     * @param index the zoo's index, for messages
     */
    public MlpZooModelLoader(MRL mrl, ZooIndex index) {
        super(mrl);
        this.index = index;
    }

    @Override
    public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria)
            throws IOException, ModelNotFoundException, MalformedModelException {
        if (mrl.match(criteria.getFilters()) == null) {
            throw new ModelNotFoundException(
                    index.explainNoMatch(getArtifactId(), criteria.getFilters()));
        }
        return super.loadModel(criteria);
    }
}
