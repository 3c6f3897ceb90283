package ai.mlpzoo.spring;

/** What a served model does, which decides its translator and its endpoints. */
public enum ModelKind {
    /**
     * A model directory whose architecture is an SAE is {@link #SAE}; anything else (every zoo
     * artifact today) {@link #IMAGE_CLASSIFIER}.
     */
    AUTO,
    /**
     * Image (or image tensor) in, classes out: {@code ai.mlpzoo.translate.ImageClassifierFactory}.
     */
    IMAGE_CLASSIFIER,
    /**
     * Activation vector in, sparse features out: {@code
     * ai.mlpzoo.translate.VectorTranslatorFactory}.
     */
    SAE
}
