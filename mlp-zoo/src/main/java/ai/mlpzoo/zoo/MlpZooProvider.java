package ai.mlpzoo.zoo;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/**
 * Registers the {@link MlpModelZoo} with DJL (META-INF/services/ai.djl.repository.zoo.ZooProvider).
 */
public class MlpZooProvider implements ZooProvider {

    @Override
    public ModelZoo getModelZoo() {
        return new MlpModelZoo();
    }
}
