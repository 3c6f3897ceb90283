package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * An architecture that the zoo can build: every family's config implements it, and a model
 * directory's {@code architecture.json} holds one, tagged by {@code model_type}.
 */
public interface ModelConfig {

    /**
     * @return the {@code model_type} tag of this family
     */
    String modelType();

    /**
     * Checks every field.
     *
     * @return this
     * @throws ConfigException naming the first bad field
     */
    ModelConfig validate();

    /**
     * @return a new, uninitialised block of this architecture
     */
    Block toBlock();

    /**
     * What the architecture would cost, from its fields alone: every family states it, and {@link
     * #toBlock()} refuses (through {@link Configs#checkFits}) a size this machine cannot hold
     * before building anything.
     *
     * @return the estimate; {@link Footprint#UNKNOWN} for a family that does not state one
     */
    default Footprint footprint() {
        return Footprint.UNKNOWN;
    }

    /**
     * The fields that size a parameter, for a message when a weights file disagrees with the
     * architecture.
     *
     * @param parameter the parameter's path in the block, e.g. {@code head_weight}
     * @return the fields to check
     */
    default String fieldsSizing(String parameter) {
        return "the fields that size it";
    }

    /**
     * @return the input shape of a batch of one, for initialisation
     */
    Shape inputShape();
}
